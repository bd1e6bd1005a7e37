package dev.veil.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.veil.api.WireInstants;

/**
 * The SDK's JSON mapper: requests without null fields (the server's defaults apply, and it refuses
 * unknown fields), responses read leniently (fields a newer server adds are ignored), instants as
 * ISO-8601 strings.
 */
final class Json {
  private Json() {}

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
          JsonInclude.Include.NON_NULL))
      .addModule(WireInstants.module())
      .build();
}
