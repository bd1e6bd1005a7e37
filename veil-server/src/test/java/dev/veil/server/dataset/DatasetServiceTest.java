package dev.veil.server.dataset;

import static dev.veil.server.testing.TestCrypto.base64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.CreateKeySetRequest;
import dev.veil.api.DataInfo;
import dev.veil.api.UpdateDatasetRequest;
import dev.veil.server.blob.FileBlobStore;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.dataset.DatasetApi.CreateDatasetRequest;
import dev.veil.server.dataset.DatasetApi.DatasetView;
import dev.veil.server.dataset.DatasetApi.PartView;
import dev.veil.server.he.KeyCache;
import dev.veil.server.http.Json;
import dev.veil.server.keys.KeyService;
import dev.veil.server.testing.InMemoryDatasets;
import dev.veil.server.testing.InMemoryKeySets;
import dev.veil.server.testing.RecordingAuditLog;
import dev.veil.server.testing.TestCrypto;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data sets with in-memory repositories, a real blob store and real (small) ciphertexts. */
class DatasetServiceTest {
  private static final Principal ALICE = new Principal("usr_alice", "alice",
      Set.of(Role.DATA_OWNER));
  private static final Principal BOB = new Principal("usr_bob", "bob",
      Set.of(Role.DATA_OWNER, Role.BUYER));
  private static final Principal CAROL = new Principal("usr_carol", "carol", Set.of(Role.BUYER));

  @TempDir Path dir;
  private final InMemoryDatasets repo = new InMemoryDatasets();
  private final RecordingAuditLog audit = new RecordingAuditLog();
  private final ObjectMapper json = Json.mapper();
  private FileBlobStore blobs;
  private KeyService keys;
  private DatasetService datasets;
  private String keySet;

  @BeforeEach
  void setUp() throws IOException {
    blobs = new FileBlobStore(dir);
    KeyCache cache = new KeyCache(KeyCache.Limits.defaults());
    keys = new KeyService(new InMemoryKeySets(), blobs, cache, audit, Clock.systemUTC(),
        new KeyService.Policy(1 << 20, true));
    datasets = new DatasetService(repo, keys, blobs, audit, Clock.systemUTC(), json,
        new DatasetService.Policy(1 << 20, 50));
    keySet = completeKeySet(ALICE);
  }

  private String completeKeySet(Principal p) throws IOException {
    String id = keys.create(p, new CreateKeySetRequest("k", base64(TestCrypto.PARAMS_BIN))).id();
    keys.uploadPublicKey(p, id, in(TestCrypto.PUBLIC_KEY), null);
    keys.uploadEvaluationKeys(p, id, in(TestCrypto.EVALUATION_KEYS), null);
    return id;
  }

  private static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  private static void assertStatus(ThrowingCallable call, int status, String... mentions) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
      for (String m : mentions) {
        assertThat(e.getMessage()).contains(m);
      }
    });
  }

  private DatasetView create(int parts, boolean listed) {
    return datasets.create(ALICE, new CreateDatasetRequest("heart", "a study", keySet,
        TestCrypto.meta(parts), 250L, listed));
  }

  private DatasetView upload(DatasetView d) throws IOException {
    for (int i = 0; i < d.partsExpected(); i++) {
      datasets.uploadPart(ALICE, d.id(), String.valueOf(i), in(TestCrypto.ciphertext(i)), null);
    }
    return datasets.complete(ALICE, d.id());
  }

  @Test
  void aDataSetIsCreatedUploadedPartByPartAndCompleted() throws Exception {
    DatasetView d = create(3, true);
    assertThat(d.state()).isEqualTo("UPLOADING");
    assertThat(d.partsExpected()).isEqualTo(3);
    assertThat(d.rows()).isEqualTo(100);
    assertThat(d.owner()).isEqualTo("alice");
    assertThat(d.keySetId()).isEqualTo(keySet);
    byte[] ct = TestCrypto.ciphertext(1.5);
    PartView p = datasets.uploadPart(ALICE, d.id(), "1", in(ct), TestCrypto.sha256(ct));
    assertThat(p).extracting(PartView::index, PartView::sha256, PartView::size)
        .containsExactly(1, TestCrypto.sha256(ct), (long) ct.length);
    assertStatus(() -> datasets.complete(ALICE, d.id()), 409, "lacks 2 of its 3 parts",
        "[0, 2]");
    assertThat(datasets.parts(ALICE, d.id()).missing()).containsExactly(0, 2);
    datasets.uploadPart(ALICE, d.id(), "0", in(TestCrypto.ciphertext(0)), null);
    datasets.uploadPart(ALICE, d.id(), "2", in(TestCrypto.ciphertext(2)), null);
    DatasetView done = datasets.complete(ALICE, d.id());
    assertThat(done.state()).isEqualTo("READY");
    assertThat(done.partsUploaded()).isEqualTo(3);
    assertThat(done.completedAt()).isNotNull();
    assertThat(datasets.complete(ALICE, d.id()).state()).isEqualTo("READY"); // idempotent
    assertThat(audit.actions()).endsWith("dataset.create", "dataset.upload");
  }

  @Test
  void aPartThatIsNotACiphertextOfTheKeySetsParametersStoresNothing() throws Exception {
    DatasetView d = create(2, false);
    List<Path> before = files();
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "0", in(TestCrypto.otherCiphertext()),
        null), 400, "part 0", "other parameters", "nothing was stored");
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "0", in(TestCrypto.PUBLIC_KEY), null),
        400, "expected a ciphertext, found a public key");
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "0", in(TestCrypto.SECRET_KEY), null),
        400, "secret key");
    byte[] ct = TestCrypto.ciphertext(1);
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "0", in(Arrays.copyOf(ct, ct.length
        / 2)), null), 400, "part 0:");
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "0", in(Arrays.copyOf(ct,
        ct.length + 5)), null), 400, "trailing bytes");
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "0", in(ct), "f".repeat(64)), 400,
        "digest mismatch");
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "2", in(ct), null), 400,
        "[0, 2)");
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "x", in(ct), null), 400, "integer");
    assertThat(files()).isEqualTo(before);
    assertThat(repo.parts(d.id())).isEmpty();
  }

  @Test
  void partsCannotChangeOnceReadyButMayBeReplacedBefore() throws Exception {
    DatasetView d = create(1, false);
    byte[] first = TestCrypto.ciphertext(1);
    byte[] second = TestCrypto.ciphertext(2);
    datasets.uploadPart(ALICE, d.id(), "0", in(first), null);
    datasets.uploadPart(ALICE, d.id(), "0", in(second), null);
    assertThat(repo.parts(d.id())).singleElement()
        .extracting(DatasetPart::sha256).isEqualTo(TestCrypto.sha256(second));
    datasets.complete(ALICE, d.id());
    assertStatus(() -> datasets.uploadPart(ALICE, d.id(), "0", in(first), null), 409, "READY");
  }

  @Test
  void onlyDataOwnersWithACompleteKeySetOfTheirOwnCreateDataSets() throws Exception {
    assertStatus(() -> datasets.create(CAROL, new CreateDatasetRequest("x", null, keySet,
        TestCrypto.meta(1), 0L, false)), 403, "data owners");
    assertStatus(() -> datasets.create(BOB, new CreateDatasetRequest("x", null, keySet,
        TestCrypto.meta(1), 0L, false)), 404, "key set");
    String incomplete = keys.create(ALICE, new CreateKeySetRequest("k2",
        base64(TestCrypto.PARAMS_BIN))).id();
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, incomplete,
        TestCrypto.meta(1), 0L, false)), 409, "public key");
  }

  @Test
  void theMetadataMustMatchTheKeySet() {
    DataInfo good = TestCrypto.meta(2);
    DataInfo otherKey = new DataInfo(good.format(), good.model(), good.rows(),
        good.features(), good.featureNames(), good.label(), good.scaler(), good.iterations(),
        good.degree(), good.slots(), good.ciphertexts(), good.paramsDigest(),
        TestCrypto.keyId(TestCrypto.PUBLIC_KEY_2), null);
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        otherKey, 0L, false)), 400, "meta.keyId", "another public key");
    DataInfo otherParams = new DataInfo(good.format(), good.model(), good.rows(),
        good.features(), good.featureNames(), good.label(), good.scaler(), good.iterations(),
        good.degree(), good.slots(), good.ciphertexts(), TestCrypto.OTHER_PARAMS.digestHex(),
        good.keyId(), null);
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        otherParams, 0L, false)), 400, "meta.paramsDigest");
    DataInfo tooMany = new DataInfo(good.format(), good.model(), good.rows(),
        good.features(), good.featureNames(), good.label(), good.scaler(), good.iterations(),
        good.degree(), good.slots(), 51, good.paramsDigest(), good.keyId(), null);
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        tooMany, 0L, false)), 400, "meta.ciphertexts", "[1, 50]");
    DataInfo names = new DataInfo(good.format(), good.model(), good.rows(), 2,
        good.featureNames(), good.label(), null, good.iterations(), good.degree(), good.slots(),
        good.ciphertexts(), good.paramsDigest(), good.keyId(), null);
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        names, 0L, false)), 400, "featureNames");
    DataInfo format = new DataInfo("veil-model/1", good.model(), good.rows(),
        good.features(), good.featureNames(), good.label(), good.scaler(), good.iterations(),
        good.degree(), good.slots(), good.ciphertexts(), good.paramsDigest(), good.keyId(), null);
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        format, 0L, false)), 400, "veil-data/1");
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        null, 0L, false)), 400, "meta is required");
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        good, -1L, false)), 400, "pricePerTraining");
    assertStatus(() -> datasets.create(ALICE, new CreateDatasetRequest("x", null, keySet,
        good, null, false)), 400, "pricePerTraining is required");
    assertThat(repo.visibleTo(ALICE.userId())).isEmpty();
  }

  @Test
  void othersSeeOnlyListedReadyDataSetsAndNeverTheirPartsKeysOrScaler() throws Exception {
    DatasetView listedReady = upload(create(1, true));
    DatasetView listedUploading = create(1, true);
    DatasetView unlisted = upload(create(1, false));
    assertThat(datasets.list(ALICE)).extracting(DatasetView::id)
        .containsExactlyInAnyOrder(listedReady.id(), listedUploading.id(), unlisted.id());
    assertThat(datasets.list(CAROL)).extracting(DatasetView::id)
        .containsExactly(listedReady.id());

    DatasetView seen = datasets.get(CAROL, listedReady.id());
    assertThat(seen.owned()).isFalse();
    assertThat(seen.keySetId()).isNull();
    assertThat(seen.meta().scaler()).isNull();
    assertThat(seen.meta().featureNames()).containsExactly("a", "b", "c");
    assertThat(seen.partsUploaded()).isNull();
    assertThat(datasets.get(ALICE, listedReady.id()).meta().scaler()).isNotNull();

    for (DatasetView hidden : List.of(listedUploading, unlisted)) {
      assertStatus(() -> datasets.get(CAROL, hidden.id()), 404);
    }
    // a listing does not open the parts, nor the owner's operations
    assertStatus(() -> datasets.parts(CAROL, listedReady.id()), 404);
    assertStatus(() -> datasets.uploadPart(CAROL, listedReady.id(), "0",
        in(TestCrypto.ciphertext(0)), null), 404);
    assertStatus(() -> datasets.complete(CAROL, listedUploading.id()), 404);
    assertStatus(() -> datasets.update(CAROL, listedReady.id(),
        new UpdateDatasetRequest(null, null, 0L, null)), 404);
    assertStatus(() -> datasets.delete(CAROL, listedReady.id()), 404);
    assertStatus(() -> datasets.get(CAROL, "ds_doesnotexist"), 404);
  }

  @Test
  void theOwnerChangesTheListingAndDeletes() throws Exception {
    DatasetView d = upload(create(1, false));
    DatasetView changed = datasets.update(ALICE, d.id(), new UpdateDatasetRequest("renamed",
        null, 999L, true));
    assertThat(changed).extracting(DatasetView::name, DatasetView::pricePerTraining,
        DatasetView::listed, DatasetView::description)
        .containsExactly("renamed", 999L, true, "a study");
    assertThat(audit.last().action()).isEqualTo("dataset.listing");
    assertThat(audit.last().details()).containsEntry("listed", true)
        .containsEntry("pricePerTraining", 999L);
    assertThat(datasets.list(CAROL)).hasSize(1);
    assertStatus(() -> datasets.update(ALICE, d.id(), new UpdateDatasetRequest(null, null, null,
        null)), 400, "nothing to change");
    datasets.delete(ALICE, d.id());
    assertThat(datasets.list(ALICE)).isEmpty();
    assertThat(datasets.list(CAROL)).isEmpty();
    assertThat(audit.last().action()).isEqualTo("dataset.delete");
    assertStatus(() -> datasets.get(ALICE, d.id()), 404);
  }
}
