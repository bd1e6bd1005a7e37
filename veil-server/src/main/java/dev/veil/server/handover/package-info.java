/**
 * Hand-overs of paid training: the data owner lists its pending ones, downloads the masked model
 * and the builder's public key, and uploads its flooded public key switch; the platform removes
 * its mask and delivers the model, in the builder's key, as the job's result.
 *
 * <p>May use {@code core}, {@code blob}, {@code catalog}, {@code he}, {@code http}, {@code job},
 * veil-he and veil-api.
 */
package dev.veil.server.handover;
