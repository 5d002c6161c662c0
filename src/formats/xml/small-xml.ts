/** A small XML document as a tree (saxes underneath): for per-ballot files, never for whole exports. */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/** Parses a document; namespaces are dropped from element names. Throws with the parser's message on bad XML. */
export function parseSmallXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name.replace(/^.*:/, ''), children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => {
    stack[stack.length - 1]!.text += t;
  });
  parser.write(text.replace(/^\uFEFF/, '')).close();
  const top = root.children[0];
  if (!top) throw new Error('no root element');
  return top;
}

export const child = (el: XmlElement | undefined, name: string): XmlElement | undefined =>
  el?.children.find((c) => c.name === name);
export const children = (el: XmlElement | undefined, name: string): XmlElement[] =>
  el?.children.filter((c) => c.name === name) ?? [];
export const textOf = (el: XmlElement | undefined, name: string): string | undefined => {
  const c = child(el, name);
  const t = c?.text.trim();
  return t ? t : undefined;
};
