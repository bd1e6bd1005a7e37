package dev.veil.server.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.DecryptionInfo;
import dev.veil.api.Label;
import dev.veil.api.DecryptionInfo;
import dev.veil.api.ModelFile;
import dev.veil.api.Scaling;
import dev.veil.api.UpdateModelRequest;
import dev.veil.server.budget.BudgetUsage;
import dev.veil.server.budget.QueryBudgets;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.db.Sql;
import dev.veil.server.testing.MemoryAuditLog;
import dev.veil.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing, listing and changing models; the weights sealed at rest and never shown. */
class ModelServiceTest {
  static final Principal SELLER = new Principal("usr_seller", "seller",
      Set.of(Role.MODEL_SELLER));
  static final Principal BUYER = new Principal("usr_buyer", "buyer", Set.of(Role.BUYER));
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  TestDatabase db;
  WeightsVault vault;
  MemoryAuditLog audit;
  ModelService models;

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.sqlite();
    vault = WeightsVault.openOrCreate(dataDir);
    audit = new MemoryAuditLog();
    models = new ModelService(db.jdbi(), vault, new QueryBudgets(db.jdbi(), Clock.systemUTC()),
        audit, Clock.systemUTC(), JSON);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  static ModelFile file(double... weights) {
    int d = weights.length - 1;
    List<String> names = new java.util.ArrayList<>();
    double[] offsets = new double[d];
    double[] scales = new double[d];
    for (int j = 0; j < d; j++) {
      names.add("x" + j);
      scales[j] = 2;
    }
    return new ModelFile(ModelFile.FORMAT, "logistic", names,
        new Label("y", null), new Scaling("MIN_MAX", offsets, scales),
        weights, null, null).withDecryption(FLOODED);
  }

  /** A hosted publication of the model file. */
  static PublishModelRequest request(ModelFile f) {
    return new PublishModelRequest("churn", "predicts churn", 3L, 10L, 1000L, null, f, null, true);
  }

  /** The record veil decrypt --for-sharing writes (hosted listings must carry one). */
  static final DecryptionInfo FLOODED =
      new DecryptionInfo(DecryptionInfo.FLOODED, 30, 16L, 40.0, 12.0);

  private static void assertStatus(Throwable e, int status) {
    assertThat(e).isInstanceOf(ServiceException.class);
    assertThat(((ServiceException) e).status()).isEqualTo(status);
  }

  @Test
  void aPublishedModelsWeightsAreSealedAndNeverShown() throws Exception {
    double[] w = {0.123456789, -1.5, 2.25};
    ModelListing l = models.publish(SELLER, request(file(w)));
    assertThat(l.id()).startsWith("mdl_");
    assertThat(l.features()).isEqualTo(2);
    assertThat(l.inputSchema().featureNames()).containsExactly("x0", "x1");
    assertThat(l.listed()).isTrue();
    ObjectMapper any = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .disable(com.fasterxml.jackson.databind.MapperFeature.REQUIRE_HANDLERS_FOR_JAVA8_TIMES)
        .build();
    String shown = any.writeValueAsString(models.get(BUYER, l.id()))
        + any.writeValueAsString(models.get(SELLER, l.id()))
        + any.writeValueAsString(models.list(SELLER, true, 10));
    assertThat(shown).doesNotContain("0.123456789").doesNotContain("weights");
    String column = db.jdbi().withHandle(h -> h.createQuery(
        "SELECT sealed_weights || input_schema FROM models").mapTo(String.class).one());
    assertThat(column).doesNotContain("0.123456789").doesNotContain("-1.5");
    StoredModel stored = models.stored(l.id());
    assertThat(stored.weightsKeyId()).isEqualTo(vault.keyId());
    ModelWeights opened = ModelService.open(vault, stored, JSON);
    assertThat(opened.weights()).containsExactly(w);
    assertThat(opened.task()).isEqualTo("logistic");
    assertThat(audit.actions()).containsExactly("model.publish");
  }

  @Test
  void sealedWeightsOpenOnlyForTheirModelAndUnderTheirKey() throws Exception {
    ModelListing a = models.publish(SELLER, request(file(1, 2)));
    ModelListing b = models.publish(SELLER, request(file(3, 4)));
    StoredModel sa = models.stored(a.id());
    StoredModel swapped = new StoredModel(models.find(b.id()), sa.sealedWeights(),
        sa.weightsKeyId());
    assertThatThrownBy(() -> ModelService.open(vault, swapped, JSON))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("do not authenticate");
    WeightsVault other = WeightsVault.ofKey(new byte[32]);
    assertThatThrownBy(() -> ModelService.open(other, sa, JSON))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theMasterKeyIsCreatedOncePrivateAndReused() throws Exception {
    Path file = dataDir.resolve(WeightsVault.KEY_FILE);
    assertThat(Files.size(file)).isEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    WeightsVault again = WeightsVault.openOrCreate(dataDir);
    assertThat(again.keyId()).isEqualTo(vault.keyId());
    String sealed = vault.seal("mdl_x", new byte[] {1, 2, 3});
    assertThat(again.open("mdl_x", sealed)).containsExactly(1, 2, 3);
    assertThat(vault.seal("mdl_x", new byte[] {1, 2, 3})).isNotEqualTo(sealed); // fresh nonce
    Files.write(file, new byte[31]);
    assertThatThrownBy(() -> WeightsVault.openOrCreate(dataDir))
        .hasMessageContaining("holds 31 bytes");
  }

  @Test
  void aModelOnWhitenedFeaturesIsPublishedWithItsTransformInTheSchema() throws Exception {
    double[][] rows = {{1, 2}, {2, 1}, {3, 5}, {4, 3}, {0, 1}};
    Scaling whiten = Scaling.of(dev.veil.ml.data.Whitening.fit(rows));
    ModelFile f = new ModelFile(ModelFile.FORMAT, "logistic", List.of("a", "b"),
        new Label("y", null), whiten, new double[] {0.1, 2, -3}, null, null).withDecryption(FLOODED);
    ModelListing l = models.publish(SELLER, request(f));
    assertThat(l.inputSchema().scaler().kind()).isEqualTo("WHITEN");
    assertThat(l.inputSchema().scaler().matrix()).isDeepEqualTo(whiten.matrix());
  }

  @Test
  void invalidModelsAndListingsAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> models.publish(SELLER, request(file(1, 2).withDecryption(null))))
        .isInstanceOf(ServiceException.class).hasMessageContaining("has no decryption record");
    assertThatThrownBy(() -> models.publish(SELLER,
        request(file(1, 2).withDecryption(DecryptionInfo.exact()))))
        .isInstanceOf(ServiceException.class).hasMessageContaining("was decrypted exactly");
    assertThatThrownBy(() -> models.publish(BUYER, request(file(1, 2))))
        .satisfies(e -> assertStatus(e, 403));
    assertThatThrownBy(() -> models.publish(SELLER, request(file(1, Double.NaN))))
        .satisfies(e -> assertStatus(e, 400)).hasMessageContaining("finite");
    ModelFile wrongFormat = new ModelFile("veil-encrypted-model/1", "logistic", List.of("a"),
        null, new Scaling("MIN_MAX", new double[1], new double[] {1}), new double[2],
        null, null);
    assertThatThrownBy(() -> models.publish(SELLER, request(wrongFormat)))
        .satisfies(e -> assertStatus(e, 400)).hasMessageContaining("veil-model/1");
    ModelFile shortWeights = new ModelFile(ModelFile.FORMAT, "logistic", List.of("a", "b"),
        null, new Scaling("MIN_MAX", new double[2], new double[] {1, 1}), new double[2],
        null, null);
    assertThatThrownBy(() -> models.publish(SELLER, request(shortWeights)))
        .satisfies(e -> assertStatus(e, 400)).hasMessageContaining("3 values");
    ModelFile zeroScale = new ModelFile(ModelFile.FORMAT, "linear", List.of("a"), null,
        new Scaling("MIN_MAX", new double[1], new double[] {0}), new double[2], null, null);
    assertThatThrownBy(() -> models.publish(SELLER, request(zeroScale)))
        .satisfies(e -> assertStatus(e, 400)).hasMessageContaining("finite positive scale");
    ModelFile upperTriangular = new ModelFile(ModelFile.FORMAT, "logistic", List.of("a", "b"),
        null, new Scaling("WHITEN", new double[2], null, new double[][] {{1, 1}, {0, 1}}),
        new double[3], null, null);
    assertThatThrownBy(() -> models.publish(SELLER, request(upperTriangular)))
        .satisfies(e -> assertStatus(e, 400)).hasMessageContaining("zero above the diagonal");
    ModelFile unknownKind = new ModelFile(ModelFile.FORMAT, "logistic", List.of("a"), null,
        new Scaling("LOG", new double[1], new double[] {1}), new double[2], null, null);
    assertThatThrownBy(() -> models.publish(SELLER, request(unknownKind)))
        .satisfies(e -> assertStatus(e, 400)).hasMessageContaining("unknown kind 'LOG'");
    assertThatThrownBy(() -> models.publish(SELLER, new PublishModelRequest(" ", null, 1L, 1L,
        1L, null, file(1, 2), null, true))).satisfies(e -> assertStatus(e, 400));
    assertThatThrownBy(() -> models.publish(SELLER, new PublishModelRequest("m", null, -1L, 1L,
        1L, null, file(1, 2), null, true))).satisfies(e -> assertStatus(e, 400));
    assertThatThrownBy(() -> models.publish(SELLER, new PublishModelRequest("m", null, 1L, 0L,
        1L, null, file(1, 2), null, true))).satisfies(e -> assertStatus(e, 400));
    assertThatThrownBy(() -> models.publish(SELLER, new PublishModelRequest("m", null, 1L, 1L,
        null, null, file(1, 2), null, true))).satisfies(e -> assertStatus(e, 400));
    assertThat(models.list(SELLER, true, 10)).isEmpty();
  }

  @Test
  void onlyTheSellerChangesAListingAndAnUnlistedModelIsHiddenFromOthers() {
    ModelListing l = models.publish(SELLER, request(file(1, 2)));
    Principal otherSeller = new Principal("usr_other", "other", Set.of(Role.MODEL_SELLER));
    assertThatThrownBy(() -> models.update(otherSeller, l.id(), new UpdateModelRequest(null,
        null, 0L, null, null, null))).satisfies(e -> assertStatus(e, 403));
    ModelListing cheaper = models.update(SELLER, l.id(), new UpdateModelRequest("churn v2", null,
        1L, 5L, null, null));
    assertThat(cheaper.id()).isEqualTo(l.id());
    assertThat(cheaper.name()).isEqualTo("churn v2");
    assertThat(cheaper.pricePerPrediction()).isEqualTo(1);
    assertThat(cheaper.maxQueriesPerBuyer()).isEqualTo(5);
    assertThat(cheaper.maxRowsPerBuyer()).isEqualTo(1000);
    assertThat(models.get(BUYER, l.id())).usingRecursiveComparison().isEqualTo(cheaper);
    ModelListing unlisted = models.update(SELLER, l.id(), new UpdateModelRequest(null, null,
        null, null, null, false));
    assertThat(unlisted.listed()).isFalse();
    assertThatThrownBy(() -> models.get(BUYER, l.id())).satisfies(e -> assertStatus(e, 404));
    assertThatThrownBy(() -> models.update(otherSeller, l.id(), new UpdateModelRequest(null,
        null, 0L, null, null, null))).satisfies(e -> assertStatus(e, 404));
    assertThat(models.list(BUYER, false, 10)).isEmpty();
    assertThat(models.list(SELLER, false, 10)).extracting(ModelListing::id)
        .containsExactly(l.id());
    assertThat(models.get(SELLER, l.id()).listed()).isFalse();
    assertThatThrownBy(() -> models.get(BUYER, "mdl_doesnotexist"))
        .satisfies(e -> assertStatus(e, 404));
    assertThat(audit.actions()).containsExactly("model.publish", "model.update", "model.unlist");
  }

  @Test
  void aRaisedBudgetPublishesANewVersionAndTheOldOneStaysAsItWas() throws Exception {
    ModelListing l = models.publish(SELLER, request(file(0.5, -1.25, 2)));
    assertThat(l.version()).isEqualTo(1);
    assertThat(l.maxRowsTotal()).isEqualTo(1000);
    assertThat(l.floodingRows()).isEqualTo(1000);
    ModelListing v = models.update(SELLER, l.id(), new UpdateModelRequest(null, null, null,
        null, 2000L, null));
    assertThat(v.id()).isNotEqualTo(l.id()).startsWith("mdl_");
    assertThat(v.version()).isEqualTo(2);
    assertThat(v.previousVersionId()).isEqualTo(l.id());
    assertThat(v.maxRowsPerBuyer()).isEqualTo(2000);
    assertThat(v.maxRowsTotal()).isEqualTo(2000);
    assertThat(v.floodingRows()).isEqualTo(2000);
    assertThat(v.inputSchema()).usingRecursiveComparison().isEqualTo(l.inputSchema());
    assertThat(ModelService.open(vault, models.stored(v.id()), JSON).weights())
        .containsExactly(0.5, -1.25, 2);

    ModelListing old = models.get(BUYER, l.id());
    assertThat(old.supersededBy()).isEqualTo(v.id());
    assertThat(old.maxRowsPerBuyer()).isEqualTo(1000);
    assertThat(old.maxRowsTotal()).isEqualTo(1000);
    assertThat(old.floodingRows()).isEqualTo(1000);
    assertThat(models.list(BUYER, false, 10)).extracting(ModelListing::id)
        .containsExactly(v.id());
    assertThat(models.list(SELLER, true, 10)).extracting(ModelListing::id)
        .containsExactlyInAnyOrder(l.id(), v.id());
    assertThatThrownBy(() -> models.forNewJob(BUYER, l.id()))
        .satisfies(e -> assertStatus(e, 409)).hasMessageContaining(v.id());
    assertThat(models.forNewJob(BUYER, v.id()).id()).isEqualTo(v.id());
    // a superseded version cannot be changed, not even lowered or relisted
    assertThatThrownBy(() -> models.update(SELLER, l.id(), new UpdateModelRequest(null, null,
        null, null, 10L, true))).satisfies(e -> assertStatus(e, 409));
    assertThat(models.get(SELLER, l.id()).maxRowsPerBuyer()).isEqualTo(1000);
    // a raised query budget or total is a new version too
    ModelListing v3 = models.update(SELLER, v.id(), new UpdateModelRequest(null, null, null,
        11L, null, null));
    assertThat(v3.version()).isEqualTo(3);
    ModelListing v4 = models.update(SELLER, v3.id(), new UpdateModelRequest(null, null, null,
        null, null, null, 5000L));
    assertThat(v4.version()).isEqualTo(4);
    assertThat(v4.floodingRows()).isEqualTo(5000);
    assertThat(audit.actions()).containsExactly("model.publish", "model.version",
        "model.version", "model.version");
  }

  @Test
  void aLoweredBudgetChangesInPlaceAndKeepsItsFlooding() {
    ModelListing l = models.publish(SELLER, new PublishModelRequest("m", null, 1L, 10L, 1000L,
        null, file(1, 2), 5000L, true));
    assertThat(l.maxRowsTotal()).isEqualTo(5000);
    assertThat(l.floodingRows()).isEqualTo(5000);
    ModelListing lower = models.update(SELLER, l.id(), new UpdateModelRequest(null, null, null,
        5L, 500L, null, 3000L));
    assertThat(lower.id()).isEqualTo(l.id());
    assertThat(lower.version()).isEqualTo(1);
    assertThat(lower.maxRowsTotal()).isEqualTo(3000);
    assertThat(lower.floodingRows()).isEqualTo(5000);
    assertThat(models.get(BUYER, l.id())).usingRecursiveComparison().isEqualTo(lower);
    // back up to 4000 is a widening of what it allows now: a new version
    ModelListing up = models.update(SELLER, l.id(), new UpdateModelRequest(null, null, null,
        null, null, null, 4000L));
    assertThat(up.id()).isNotEqualTo(l.id());
    assertThat(up.floodingRows()).isEqualTo(4000);
  }

  @Test
  void aTotalBelowThePerBuyerBudgetIsRefused() {
    assertThatThrownBy(() -> models.publish(SELLER, new PublishModelRequest("m", null, 1L, 10L,
        1000L, null, file(1, 2), 999L, true))).satisfies(e -> assertStatus(e, 400))
        .hasMessageContaining("maxRowsTotal");
    ModelListing l = models.publish(SELLER, request(file(1, 2)));
    assertThatThrownBy(() -> models.update(SELLER, l.id(), new UpdateModelRequest(null, null,
        null, null, null, null, 10L))).satisfies(e -> assertStatus(e, 400))
        .hasMessageContaining("maxRowsTotal");
    assertThat(models.list(SELLER, true, 10)).hasSize(1);
  }

  @Test
  void theTotalBoundsAllBuyersTogetherAndAFailedJobGivesItBack() {
    ModelListing l = models.publish(SELLER, new PublishModelRequest("m", null, 1L, 10L, 600L,
        null, file(1, 2), 1000L, true));
    QueryBudgets budgets = new QueryBudgets(db.jdbi(), Clock.systemUTC());
    Sql.inTransaction(db.jdbi(), h -> budgets.consume(h, "usr_a", l.id(), 600, l.budget()));
    assertThatThrownBy(() -> Sql.inTransaction(db.jdbi(), h -> budgets.consume(h, "usr_b",
        l.id(), 500, l.budget()))).satisfies(e -> assertStatus(e, 429))
        .hasMessageContaining("total row budget", "400 left");
    // nothing of the refused query was counted, for either budget
    assertThat(budgets.usage("usr_b", l.id())).isEqualTo(new BudgetUsage(0, 0));
    assertThat(budgets.total(l.id())).isEqualTo(new BudgetUsage(1, 600));
    Sql.inTransaction(db.jdbi(), h -> budgets.consume(h, "usr_b", l.id(), 400, l.budget()));
    assertThat(budgets.total(l.id())).isEqualTo(new BudgetUsage(2, 1000));
    Sql.inTransaction(db.jdbi(), h -> {
      budgets.giveBack(h, "usr_a", l.id(), 600);
      return null;
    });
    assertThat(budgets.total(l.id())).isEqualTo(new BudgetUsage(1, 400));
    Sql.inTransaction(db.jdbi(), h -> budgets.consume(h, "usr_c", l.id(), 600, l.budget()));
    assertThat(budgets.total(l.id())).isEqualTo(new BudgetUsage(2, 1000));
  }
}
