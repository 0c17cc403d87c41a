/** A failure the helper explains to its user: the message alone goes to stderr. */
export class HelperError extends Error {}
