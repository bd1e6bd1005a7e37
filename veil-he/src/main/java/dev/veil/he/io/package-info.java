/**
 * Versioned binary formats for parameters, plaintexts, ciphertexts and keys, on streams and in
 * files. {@link dev.veil.he.io.VeilIO} is the entry point; behind it each object type has its own
 * codec ({@code ParametersCodec}, {@code PlaintextCodec}, {@code CiphertextCodec}, {@code
 * PublicKeyCodec}, {@code SecretKeyCodec}, {@code SwitchingKeyCodec}, {@code
 * EvaluationKeysCodec}), all built on {@code CodecSupport} (header, parameter digest, checked
 * fields, rows, atomic files) and the field and row coders {@code BinaryWriter} and {@code
 * BinaryReader}. {@code DecryptionBudget} is the one JSON file here: a secret key's count of shared
 * decryptions, persisted beside it ({@code decryptions.json}).
 *
 * <p>May use {@code ring}, {@code rlwe} and {@code ckks} of veil-he, and the JDK; nothing in
 * veil-he uses this package.
 *
 * <h2>Format (version 2)</h2>
 *
 * All integers are little-endian. Every object starts with an 8-byte header: the magic bytes
 * {@code "VEIL"}, the format version (u16, 1), the object type (u8: 1 parameters, 2 plaintext, 3
 * ciphertext, 4 public key, 5 secret key, 6 switching key, 7 evaluation-key set) and flags (u8; bit
 * 0 = seeded form, allowed for ciphertexts, public keys and switching keys; every other bit must be
 * 0). Every object other than parameters then carries the 32-byte SHA-256 parameter digest
 * ({@link dev.veil.he.rlwe.Parameters#digest()}) it was made under. Every object ends with a
 * 32-byte trailer: the SHA-256 of all its bytes before it, header included. Readers hash the bytes
 * as they read them and compare at the end, before returning anything, so a flipped bit anywhere
 * is a {@link dev.veil.he.io.FormatException} ("integrity check failed") if no field check caught
 * it first.
 *
 * <p>Version 1 is the same layout without the trailer. Readers still accept it (files written
 * before version 2, secret keys above all, must stay readable) but cannot detect a changed byte
 * in its body beyond the field and coefficient checks; writers write version 2 only. Rewriting a
 * version-1 file with a version-2 writer adds the trailer.
 *
 * <p>A polynomial row under prime {@code q} is its N coefficients, each in exactly {@code
 * bitLength(q)} bits, least significant bit first (a 40-bit prime costs 5 bytes per coefficient).
 * Bodies, after the header (and digest):
 *
 * <ul>
 *   <li>parameters: logN u8, count u8 + logQ u8 each, count u8 + logP u8 each, logDefaultScale
 *       f64, secret distribution u8, Hamming weight i32, sigma f64, dnum u8 (as in the literal),
 *       securityOff u8, then the generated data primes and special primes as u64 each;
 *   <li>plaintext: level u32, scale f64, rows 0..level;
 *   <li>ciphertext: degree u32, level u32, scale f64, [seed of c1 if seeded], then c0 (and, unless
 *       seeded, c1 and c2) rows 0..level;
 *   <li>public key: rows u32 (qCount + pCount), [seed if seeded], b, then a unless seeded (rows in
 *       ring order: data primes, then special primes);
 *   <li>switching key: a key record: Galois element u64 (0 for relinearisation), digits u32 (=
 *       dnum), rows u32, [seed if seeded], then per digit b_j and, unless seeded, a_j;
 *   <li>evaluation keys: count u32 (at most N + 1), then that many records each led by a flags u8
 *       (bit 0 = seeded), in strictly ascending Galois element order (so the relinearisation key,
 *       element 0, comes first, and there are no duplicates);
 *   <li>secret key: N u32, then 2 bits per coefficient (0 = 0, 1 = +1, 2 = -1).
 * </ul>
 *
 * <p>Readers allocate a polynomial row only once its first bytes have arrived, so a header that
 * claims a large object over a short body costs about one row (every count and level is also
 * checked against the reader's parameters first); a seeded key's {@code a_j} is expanded right
 * after its {@code b_j} has been read, a seeded public key's and ciphertext's after the trailer.
 * The checkers ({@code checkCiphertext}, {@code checkPublicKey}, {@code checkEvaluationKeys})
 * refuse exactly what the readers refuse while holding one row and building nothing.
 *
 * <p>Seeded forms replace a uniform polynomial by its 32-byte seed: for a fresh secret-key
 * ciphertext c1 = {@link dev.veil.he.rlwe.Encryptor#expandSeed}; for a public key a is stream 0
 * of the seed over all primes; for a switching key a_j is stream j.
 */
package dev.veil.he.io;
