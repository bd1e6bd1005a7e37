/**
 * The append-only, hash-chained audit log of security-relevant actions and its operator routes.
 */
package dev.veil.server.audit;
