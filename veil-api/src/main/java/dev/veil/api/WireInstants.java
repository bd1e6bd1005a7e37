package dev.veil.api;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * How the records' {@link Instant} fields travel: ISO-8601 strings ({@code
 * 2026-12-07T10:05:53.123Z}), as the REST API writes them. Register {@link #module()} with a
 * Jackson mapper that reads or writes these records (the SDK's, the command line's {@code
 * --json}).
 */
public final class WireInstants {
  private WireInstants() {}

  /**
   * A Jackson module writing instants as ISO-8601 strings and reading them back; a blank string
   * reads as null, anything else that is not an instant is an error naming the field.
   */
  public static Module module() {
    return new SimpleModule("veil-instants")
        .addSerializer(Instant.class, new JsonSerializer<>() {
          @Override
          public void serialize(Instant value, JsonGenerator gen, SerializerProvider p)
              throws IOException {
            gen.writeString(value.toString());
          }
        })
        .addDeserializer(Instant.class, new JsonDeserializer<>() {
          @Override
          public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            String text = p.getValueAsString();
            if (text == null || text.isBlank()) {
              return null;
            }
            try {
              return Instant.parse(text.strip());
            } catch (DateTimeParseException e) {
              return (Instant) ctx.handleWeirdStringValue(Instant.class, text,
                  "not an ISO-8601 instant");
            }
          }
        });
  }
}
