/**
 * What the server needs of veil-he: the object headers uploads are checked by ({@link
 * dev.veil.server.he.VeilObjects}) and the server's one cache of parameters, keys and leased
 * contexts ({@link dev.veil.server.he.KeyCache}), which key uploads, job admission and the job
 * runners share.
 *
 * <p>May use veil-he and {@code core}; blobs are read through a function its callers pass in, so
 * it uses no other server package.
 */
package dev.veil.server.he;
