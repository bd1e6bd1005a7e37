package dev.veil.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

class WireInstantsTest {
  private final ObjectMapper mapper = JsonMapper.builder().addModule(WireInstants.module()).build();

  record Stamped(Instant at) {}

  @Test
  void anInstantTravelsAsItsIsoString() throws Exception {
    Instant t = Instant.parse("2026-12-07T10:05:53.123Z");
    String json = mapper.writeValueAsString(new Stamped(t));
    assertThat(json).isEqualTo("{\"at\":\"2026-12-07T10:05:53.123Z\"}");
    assertThat(mapper.readValue(json, Stamped.class).at()).isEqualTo(t);
  }

  @Test
  void aBlankStringReadsAsNull() throws Exception {
    assertThat(mapper.readValue("{\"at\":\" \"}", Stamped.class).at()).isNull();
  }

  @Test
  void aStringThatIsNoInstantIsAnErrorNamingTheField() {
    assertThatThrownBy(() -> mapper.readValue("{\"at\":\"yesterday\"}", Stamped.class))
        .isInstanceOf(InvalidFormatException.class)
        .hasMessageContaining("not an ISO-8601 instant")
        .hasMessageContaining("at");
  }
}
