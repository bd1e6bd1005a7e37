/**
 * Protocols between key holders: {@code PublicKeySwitch}, by which the holder of a secret key
 * re-encrypts a ciphertext under someone else's public key without decrypting it for anyone.
 *
 * <p>May use {@code ring}, {@code rlwe}, {@code ckks}, {@code io} (the persisted decryption
 * budget) and the JDK.
 */
package dev.veil.he.multiparty;
