// Text put into HTML the server writes itself (the storefront's index.html, the sandbox's 3-D Secure page): the five
// characters that could end a text node or a quoted attribute.
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
