package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.veil.client.VeilClient;
import dev.veil.client.WorkerClient;
import dev.veil.server.http.DocsRoutes;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import org.junit.jupiter.api.Test;

/**
 * Every operation of openapi.yaml (which OpenApiTest holds to the routes) has its public method on
 * {@link VeilClient}, so that a new route cannot be left out of the SDK unnoticed.
 */
class SdkCoverageTest {
  /** operationId -> the VeilClient method that calls it. */
  static final Map<String, String> SDK = Map.ofEntries(
      Map.entry("register", "register"), Map.entry("login", "login"),
      Map.entry("logout", "logout"), Map.entry("me", "me"),
      Map.entry("createUser", "createUser"), Map.entry("listTokens", "listTokens"),
      Map.entry("createToken", "createToken"), Map.entry("revokeToken", "revokeToken"),
      Map.entry("changePassword", "changePassword"), Map.entry("disableUser", "disableUser"),
      Map.entry("enableUser", "enableUser"),
      Map.entry("listKeySets", "listKeySets"), Map.entry("createKeySet", "createKeySet"),
      Map.entry("getKeySet", "getKeySet"), Map.entry("deleteKeySet", "deleteKeySet"), Map.entry("uploadPublicKey", "uploadPublicKey"),
      Map.entry("uploadEvaluationKeys", "uploadEvaluationKeys"),
      Map.entry("listDatasets", "listDatasets"), Map.entry("createDataset", "createDataset"),
      Map.entry("getDataset", "getDataset"), Map.entry("updateDataset", "updateDataset"),
      Map.entry("deleteDataset", "deleteDataset"), Map.entry("listDatasetParts", "listParts"),
      Map.entry("uploadDatasetPart", "uploadPart"),
      Map.entry("completeDataset", "completeDataset"), Map.entry("listModels", "listModels"),
      Map.entry("publishModel", "publishModel"), Map.entry("getModel", "getModel"),
      Map.entry("updateModel", "updateModel"), Map.entry("uploadInput", "uploadInput"),
      Map.entry("listInputs", "listInputs"), Map.entry("deleteInput", "deleteInput"),
      Map.entry("listJobs", "listJobs"), Map.entry("submitJob", "submitJob"),
      Map.entry("getJob", "getJob"), Map.entry("jobEvents", "waitForJob"),
      Map.entry("cancelJob", "cancelJob"), Map.entry("downloadJobResult", "downloadResult"),
      Map.entry("getBalance", "balance"), Map.entry("deposit", "deposit"),
      Map.entry("verifyLedger", "verifyLedger"), Map.entry("listAudit", "audit"),
      Map.entry("verifyAudit", "verifyAudit"),
      Map.entry("listAuditCheckpoints", "auditCheckpoints"),
      Map.entry("createAuditCheckpoint", "createAuditCheckpoint"),
      Map.entry("getAuditPublicKey", "auditPublicKey"), Map.entry("health", "health"),
      Map.entry("registerWorker", "registerWorker"), Map.entry("listWorkers", "listWorkers"),
      Map.entry("revokeWorker", "revokeWorker"),
      Map.entry("listHandovers", "listHandovers"), Map.entry("getHandover", "getHandover"),
      Map.entry("deliverHandover", "deliverHandover"),
      Map.entry("downloadMaskedModel", "downloadMaskedModel"),
      Map.entry("downloadHandoverPublicKey", "downloadHandoverPublicKey"),
      Map.entry("downloadHandoverParameters", "downloadHandoverParameters"));
  /** operationId -> the {@link WorkerClient} method (the routes of a worker token). */
  static final Map<String, String> WORKER = Map.ofEntries(
      Map.entry("workerSelf", "self"), Map.entry("claimJob", "claim"),
      Map.entry("reportWorkerProgress", "progress"),
      Map.entry("downloadWorkerInput", "downloadInput"),
      Map.entry("uploadWorkerResult", "uploadResult"),
      Map.entry("completeWorkerJob", "complete"), Map.entry("failWorkerJob", "fail"),
      Map.entry("cancelWorkerJob", "cancelled"), Map.entry("releaseWorkerJob", "release"));
  /** Served for browsers, not called by the SDK. */
  static final Set<String> DOCS = Set.of("openapi", "docs", "docsAsset");

  @Test
  void everyOperationHasItsMethod() throws IOException {
    String yaml;
    try (InputStream in = SdkCoverageTest.class.getResourceAsStream(
        DocsRoutes.OPENAPI_RESOURCE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    OpenAPI api = new OpenAPIV3Parser().readContents(yaml, null, options).getOpenAPI();
    Set<String> operations = new TreeSet<>();
    api.getPaths().forEach((path, item) -> item.readOperations().forEach(op ->
        operations.add(op.getOperationId())));
    operations.removeAll(DOCS);
    Set<String> withMethods = new TreeSet<>(SDK.keySet());
    withMethods.addAll(WORKER.keySet());
    assertThat(withMethods).as("operations of openapi.yaml with an SDK method")
        .containsExactlyInAnyOrderElementsOf(operations);
    assertThat(Arrays.stream(WorkerClient.class.getMethods()).map(Method::getName)
        .collect(Collectors.toSet())).containsAll(WORKER.values());
    Set<String> methods = Arrays.stream(VeilClient.class.getMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
        .map(Method::getName).collect(Collectors.toSet());
    assertThat(methods).containsAll(SDK.values());
  }
}
