package dev.veil.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
  private static final PasswordHasher.Params CHEAP = new PasswordHasher.Params(1024, 1, 1);
  private final PasswordHasher hasher = new PasswordHasher(CHEAP, new SecureRandom());

  @Test
  void aHashIsAnArgon2idPhcStringThatVerifiesOnlyItsPassword() {
    String h = hasher.hash("correct horse battery");
    assertThat(h).matches("\\$argon2id\\$v=19\\$m=1024,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$"
        + "[A-Za-z0-9+/]{43}");
    assertThat(hasher.verify("correct horse battery", h)).isTrue();
    assertThat(hasher.verify("correct horse batterY", h)).isFalse();
    assertThat(hasher.verify("", h)).isFalse();
  }

  @Test
  void everyHashHasItsOwnSalt() {
    assertThat(hasher.hash("same password")).isNotEqualTo(hasher.hash("same password"));
  }

  @Test
  void aHashCarriesItsParametersSoThatRaisingThemKeepsOldHashesValid() {
    String old = hasher.hash("a long password");
    PasswordHasher stronger = new PasswordHasher(new PasswordHasher.Params(2048, 2, 1),
        new SecureRandom());
    assertThat(stronger.verify("a long password", old)).isTrue();
    assertThat(stronger.needsRehash(old)).isTrue();
    assertThat(stronger.needsRehash(stronger.hash("a long password"))).isFalse();
    assertThat(hasher.needsRehash(old)).isFalse();
  }

  @Test
  void anUnknownUserIsCheckedAgainstADecoyAndFails() {
    assertThat(hasher.verify("anything at all", null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
      "$argon2id$v=19$m=1024,t=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
      "$argon2id$v=19$m=1024,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
      "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
      "$argon2id$v=19$m=1024,t=1,p=1,x=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"})
  void aMalformedEncodingVerifiesNothingAndNeedsARehash(String encoded) {
    assertThat(hasher.verify("password123", encoded)).isFalse();
    assertThat(hasher.needsRehash(encoded)).isTrue();
  }

  @Test
  void parametersOutsideTheirRangesAreRefused() {
    assertThatThrownBy(() -> new PasswordHasher.Params(4, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memoryKiB");
    assertThatThrownBy(() -> new PasswordHasher.Params(1024, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("iterations");
    assertThatThrownBy(() -> new PasswordHasher.Params(1024, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallelism");
  }
}
