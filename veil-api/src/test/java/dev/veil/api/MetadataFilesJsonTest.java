package dev.veil.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.junit.jupiter.api.Test;

/**
 * The metadata records read the files {@code veil} writes and write them back identically: the
 * same fields, in the same order, with the same nulls omitted or kept. Two mappers as the modules
 * have them: the command's (lenient, indented) and the server's (strict about unknown fields).
 */
class MetadataFilesJsonTest {
  private static final ObjectMapper CLI = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private static final String SCALER = "{\"kind\":\"MIN_MAX\",\"offsets\":[0.0,1.0],"
      + "\"scales\":[2.0,3.0]}";
  private static final String TRAINING = "{\"iterations\":5,\"degree\":3,"
      + "\"levelsPerIteration\":4,\"inputLevel\":20,\"outputLevel\":0,"
      + "\"iterationMillis\":[10.5,11.0],\"totalSeconds\":1.25";

  /** Reads {@code json} as {@code type}, writes it, and checks that nothing changed. */
  private static <T> T roundTrip(String json, Class<T> type) throws JsonProcessingException {
    T value = CLI.readValue(json, type);
    String written = CLI.writeValueAsString(value);
    JsonNode expected = CLI.readTree(json);
    JsonNode actual = CLI.readTree(written);
    assertThat(actual).isEqualTo(expected);
    assertThat(fieldNames(actual)).containsExactlyElementsOf(fieldNames(expected));
    return value;
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aKeyPlanReadsBackIdentically() throws Exception {
    KeysInfo training = roundTrip("{\"format\":\"veil-keys/1\",\"model\":\"logistic\","
        + "\"rows\":64,\"features\":2,\"iterations\":5,\"degree\":3,\"logN\":14,\"levels\":22,"
        + "\"scaleBits\":40,\"paramsDigest\":\"ab12\",\"keyId\":\"0123456789abcdef\","
        + "\"rotations\":[1,2,4]}", KeysInfo.class);
    assertThat(training.output()).isNull();
    assertThat(training.rotations()).containsExactly(1, 2, 4);
    KeysInfo inference = roundTrip("{\"format\":\"veil-keys/1\",\"model\":\"inference\","
        + "\"rows\":0,\"features\":3,\"iterations\":0,\"degree\":3,\"output\":\"probabilities\","
        + "\"logN\":13,\"levels\":6,\"scaleBits\":30,\"paramsDigest\":\"cd34\","
        + "\"keyId\":\"fedcba9876543210\",\"rotations\":[]}", KeysInfo.class);
    assertThat(inference.validate().output()).isEqualTo("probabilities");
  }

  @Test
  void aDataSetsMetadataReadsBackIdenticallyAndHidesItsScalerFromOthers() throws Exception {
    String file = "{\"format\":\"veil-data/1\",\"model\":\"logistic\",\"rows\":100,"
        + "\"features\":2,\"featureNames\":[\"age\",\"bmi\"],\"label\":{\"name\":\"sick\","
        + "\"classes\":[\"no\",\"yes\"]},\"scaler\":" + SCALER + ",\"iterations\":5,"
        + "\"degree\":3,\"slots\":8192,\"ciphertexts\":2,\"paramsDigest\":\"ab12\","
        + "\"keyId\":\"0123456789abcdef\"}";
    DataInfo d = roundTrip(file, DataInfo.class).validate();
    assertThat(d.rows()).isEqualTo(100);
    assertThat(STRICT.readValue(file, DataInfo.class).label().classes())
        .containsExactly("no", "yes");
    JsonNode others = CLI.valueToTree(d.withoutScaler());
    assertThat(others.has("scaler")).isFalse();
    assertThat(others.get("rows").asInt()).isEqualTo(100);
    // an upload without the planned training: the missing fields stay missing, not 0
    DataInfo bare = roundTrip("{\"format\":\"veil-data/1\",\"model\":\"logistic\",\"rows\":10,"
        + "\"features\":2,\"ciphertexts\":1,\"paramsDigest\":\"ab12\",\"keyId\":\"k\"}",
        DataInfo.class).validate();
    assertThat(bare.iterations()).isNull();
    assertThat(bare.slots()).isNull();
  }

  @Test
  void aDataSetsMetadataWithAnUnknownFieldIsRefusedByAStrictReader() {
    String json = "{\"format\":\"veil-data/1\",\"model\":\"logistic\",\"rows\":10,"
        + "\"features\":2,\"ciphertexts\":1,\"secret\":1}";
    assertThatThrownBy(() -> STRICT.readValue(json, DataInfo.class))
        .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("secret");
  }

  @Test
  void anEncryptedModelsMetadataKeepsItsNullsAndTheLearningRate() throws Exception {
    EncryptedModelInfo linear = roundTrip("{\"format\":\"veil-encrypted-model/1\","
        + "\"model\":\"linear\",\"features\":2,\"featureNames\":[\"a\",\"b\"],"
        + "\"label\":{\"name\":\"y\",\"offset\":3.5,\"scale\":2.0},\"scaler\":" + SCALER
        + ",\"training\":" + TRAINING + ",\"learningRate\":0.5},\"paramsDigest\":\"ab12\","
        + "\"keyId\":\"k\"}", EncryptedModelInfo.class).validate();
    assertThat(linear.training().learningRate()).isEqualTo(0.5);
    // as a training job writes it for a data set uploaded without label and scaler
    EncryptedModelInfo server = roundTrip("{\"format\":\"veil-encrypted-model/1\","
        + "\"model\":\"logistic\",\"features\":2,\"featureNames\":null,\"label\":null,"
        + "\"scaler\":null,\"training\":" + TRAINING + "},\"paramsDigest\":\"ab12\","
        + "\"keyId\":\"k\"}", EncryptedModelInfo.class).validate();
    assertThat(server.training().learningRate()).isNull();
    assertThat(server.training().iterationMillis()).containsExactly(10.5, 11.0);
  }

  @Test
  void modelFilesOfEveryKindReadBackIdentically() throws Exception {
    ModelFile logistic = roundTrip("{\"format\":\"veil-model/1\",\"model\":\"logistic\","
        + "\"featureNames\":[\"a\",\"b\"],\"label\":{\"name\":\"y\"},\"scaler\":" + SCALER
        + ",\"weights\":[0.5,-1.0,2.0],\"training\":" + TRAINING + "}}", ModelFile.class)
        .validate();
    assertThat(logistic.classWeights()).isNull();
    ModelFile ovr = roundTrip("{\"format\":\"veil-model/1\",\"model\":\"ovr\","
        + "\"featureNames\":[\"a\",\"b\"],\"label\":{\"name\":\"y\",\"classes\":[\"r\",\"g\","
        + "\"b\"]},\"scaler\":" + SCALER + ",\"classWeights\":[[1.0,2.0,3.0],[4.0,5.0,6.0],"
        + "[7.0,8.0,9.0]],\"training\":" + TRAINING + "}}", ModelFile.class).validate();
    assertThat(ovr.classWeights()[2]).containsExactly(7.0, 8.0, 9.0);
    assertThat(ovr.weights()).isNull();
  }

  @Test
  void aModelFilesDecryptionRecordReadsBackIdentically() throws Exception {
    ModelFile flooded = roundTrip("{\"format\":\"veil-model/1\",\"model\":\"logistic\","
        + "\"featureNames\":[\"a\"],\"weights\":[0.5,-1.0],\"decryption\":{\"mode\":"
        + "\"flooded\",\"securityBits\":30,\"sharedDecryptions\":16,\"log2Sigma\":33.5,"
        + "\"precisionBits\":9.25}}", ModelFile.class);
    assertThat(flooded.decryption()).isEqualTo(new DecryptionInfo("flooded", 30, 16L, 33.5, 9.25));
    ModelFile exact = roundTrip("{\"format\":\"veil-model/1\",\"model\":\"logistic\","
        + "\"featureNames\":[\"a\"],\"weights\":[0.5,-1.0],\"decryption\":{\"mode\":"
        + "\"exact\"}}", ModelFile.class);
    assertThat(exact.sharable()).isFalse();
  }

  @Test
  void modelFilesIgnoreUnknownFieldsEvenForAStrictReader() throws Exception {
    ModelFile m = STRICT.readValue("{\"format\":\"veil-model/1\",\"model\":\"logistic\","
        + "\"featureNames\":[\"a\",\"b\"],\"scaler\":" + SCALER + ",\"weights\":[0,1,2],"
        + "\"note\":\"from a newer veil\",\"training\":" + TRAINING + ",\"optimizer\":\"x\"}}",
        ModelFile.class);
    assertThat(m.validate().training().iterations()).isEqualTo(5);
    // a partial report, as a seller may upload it: what is missing stays null
    ModelFile partial = STRICT.readValue("{\"format\":\"veil-model/1\",\"model\":\"linear\","
        + "\"featureNames\":[\"a\"],\"weights\":[0,1],\"training\":{\"iterations\":7}}",
        ModelFile.class);
    assertThat(partial.training().iterations()).isEqualTo(7);
    assertThat(partial.training().degree()).isNull();
    assertThat(CLI.valueToTree(partial.training()).toString()).isEqualTo("{\"iterations\":7}");
  }

  @Test
  void schemasRowsAndPredictionsReadBackIdentically() throws Exception {
    SchemaFile s = roundTrip("{\"format\":\"veil-schema/1\",\"model\":\"linear\","
        + "\"featureNames\":[\"a\",\"b\"],\"label\":{\"name\":\"y\",\"offset\":1.0,"
        + "\"scale\":2.0},\"scaler\":" + SCALER + "}", SchemaFile.class).validate();
    assertThat(SchemaFile.of("linear", new InputSchema(s.featureNames(), s.scaler(), s.label())))
        .usingRecursiveComparison().isEqualTo(s);
    roundTrip("{\"format\":\"veil-rows/1\",\"model\":\"logistic\",\"rows\":10,\"features\":2,"
        + "\"featureNames\":[\"a\",\"b\"],\"scaler\":" + SCALER + ",\"output\":null,"
        + "\"degree\":3,\"slots\":4,\"batches\":3,\"paramsDigest\":\"ab12\",\"keyId\":\"k\"}",
        RowsInfo.class).validate();
    PredictionsInfo p = roundTrip("{\"format\":\"veil-predictions/1\",\"model\":\"ovr\","
        + "\"output\":\"probabilities\",\"degree\":3,\"rows\":10,\"columns\":3,\"slots\":4,"
        + "\"batches\":3,\"label\":{\"name\":\"y\",\"classes\":[\"r\",\"g\",\"b\"]},"
        + "\"sanitizer\":{\"securityBits\":40,\"noiseBoundBits\":12.5,\"resultBudget\":1000,"
        + "\"expectedPrecisionBits\":9.0},\"paramsDigest\":\"ab12\",\"keyId\":\"k\"}",
        PredictionsInfo.class).validate();
    assertThat(p.sanitizer().resultBudget()).isEqualTo(1000);
    roundTrip("{\"format\":\"veil-predictions/1\",\"model\":\"linear\",\"output\":\"scores\","
        + "\"degree\":0,\"rows\":1,\"columns\":1,\"slots\":4,\"batches\":1,"
        + "\"paramsDigest\":\"ab12\",\"keyId\":\"k\"}", PredictionsInfo.class).validate();
  }
}
