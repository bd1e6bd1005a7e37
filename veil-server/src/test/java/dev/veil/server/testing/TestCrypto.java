package dev.veil.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import dev.veil.api.DataInfo;
import dev.veil.api.Label;
import dev.veil.api.Scaling;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;

/**
 * Real Veil files made once per test JVM with small INSECURE parameters (N = 2^10, securityOff):
 * what {@code veil keygen} and {@code veil encrypt} write, in bytes, and a key pair's secret key
 * to try to upload.
 */
public final class TestCrypto {
  private TestCrypto() {}

  public static final Parameters PARAMS =
      Parameters.builder().logN(10).logQ(40, 30).logP(45).logDefaultScale(30).securityOff().build();
  /** Same shape, another special prime: another digest. */
  public static final Parameters OTHER_PARAMS =
      Parameters.builder().logN(10).logQ(40, 30).logP(44).logDefaultScale(30).securityOff().build();
  /** A 128-bit-secure set (the server refuses insecure ones unless allowed). */
  public static final Parameters SECURE_PARAMS =
      Parameters.builder().logN(12).logQ(40, 30).logP(38).logDefaultScale(30).build();

  public static final byte[] PARAMS_BIN;
  public static final byte[] OTHER_PARAMS_BIN;
  public static final byte[] SECURE_PARAMS_BIN;
  public static final byte[] PUBLIC_KEY;
  public static final byte[] EVALUATION_KEYS;
  public static final byte[] SECRET_KEY;
  /** A public key of another key pair under the same parameters. */
  public static final byte[] PUBLIC_KEY_2;
  /** Evaluation keys under {@link #OTHER_PARAMS}. */
  public static final byte[] OTHER_EVALUATION_KEYS;
  /** The Galois elements in {@link #EVALUATION_KEYS}. */
  public static final List<Long> GALOIS = List.of(5L, 25L, 2L * 1024 - 1);
  private static final HeContext CTX = new HeContext(PARAMS, 1);
  private static final Encryptor ENCRYPTOR;
  private static final Encoder ENCODER = new Encoder(CTX);
  private static final Encryptor OTHER_ENCRYPTOR;

  static {
    {
      KeyGenerator kg = new KeyGenerator(CTX);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      EvaluationKeys evk = new EvaluationKeys(PARAMS, kg.relinearizationKey(sk),
          kg.galoisKeys(sk, GALOIS.stream().mapToLong(Long::longValue).toArray()));
      PARAMS_BIN = bytes(o -> VeilIO.write(o, PARAMS));
      OTHER_PARAMS_BIN = bytes(o -> VeilIO.write(o, OTHER_PARAMS));
      SECURE_PARAMS_BIN = bytes(o -> VeilIO.write(o, SECURE_PARAMS));
      PUBLIC_KEY = bytes(o -> VeilIO.write(o, pk));
      EVALUATION_KEYS = bytes(o -> VeilIO.write(o, evk));
      SECRET_KEY = bytes(o -> VeilIO.writeSecretKey(o, sk, SecretKeyAccess.INSECURE));
      PUBLIC_KEY_2 = bytes(o -> VeilIO.write(o, kg.publicKey(kg.secretKey())));
      ENCRYPTOR = Encryptor.withPublicKey(CTX, pk);
      HeContext other = new HeContext(OTHER_PARAMS, 1);
      KeyGenerator okg = new KeyGenerator(other);
      SecretKey osk = okg.secretKey();
      OTHER_EVALUATION_KEYS = bytes(o -> VeilIO.write(o, new EvaluationKeys(OTHER_PARAMS,
          okg.relinearizationKey(osk), List.of())));
      OTHER_ENCRYPTOR = Encryptor.withPublicKey(other, okg.publicKey(osk));
    }
  }

  /** A fresh ciphertext under {@link #PARAMS} (a data-set part). */
  public static synchronized byte[] ciphertext(double value) {
    double[] v = new double[PARAMS.slots()];
    java.util.Arrays.fill(v, value);
    Ciphertext ct = ENCRYPTOR.encrypt(ENCODER.encode(v));
    return bytes(o -> VeilIO.write(o, ct));
  }

  /** A ciphertext under {@link #OTHER_PARAMS}. */
  public static synchronized byte[] otherCiphertext() {
    Ciphertext ct = OTHER_ENCRYPTOR.encryptZero(OTHER_PARAMS.maxLevel(),
        OTHER_PARAMS.defaultScale());
    return bytes(o -> VeilIO.write(o, ct));
  }

  /** The key id veil keygen derives from public.key. */
  public static String keyId(byte[] publicKey) {
    return sha256(publicKey).substring(0, 16);
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String base64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** The meta.json of a data set of {@code parts} ciphertexts under PARAMS and PUBLIC_KEY. */
  public static DataInfo meta(int parts) {
    return new DataInfo(DataInfo.FORMAT, "logistic", 100, 3, List.of("a", "b", "c"),
        new Label("y", null),
        new Scaling("MIN_MAX", new double[] {0.5, 1, 2}, new double[] {1, 2, 3}), 3, 3,
        PARAMS.slots(), parts, PARAMS.digestHex(), keyId(PUBLIC_KEY), null);
  }

  @FunctionalInterface
  private interface Writer {
    void write(java.io.OutputStream out) throws IOException;
  }

  private static byte[] bytes(Writer w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
