import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';

// biome-ignore lint/suspicious/noExplicitAny: any page component's props
type AnyVNode = VNode<any>;

import { render } from 'preact-render-to-string';

/** Renders a full HTML document from a view tree. preact escapes every text and attribute value. */
export function renderDocument(vnode: AnyVNode): string {
  return `<!doctype html>${render(vnode)}`;
}

/** Sends a rendered page. */
export function sendPage(reply: FastifyReply, vnode: AnyVNode, status = 200): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'private, no-store')
    .send(renderDocument(vnode));
}

/** JSON for an inline <script type="application/ld+json">: `<` escaped so no text can close the tag. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
