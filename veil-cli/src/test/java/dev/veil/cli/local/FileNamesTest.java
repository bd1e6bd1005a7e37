package dev.veil.cli.local;

import dev.veil.api.RowsInfo;

import dev.veil.api.DataInfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.client.VeilFiles;
import org.junit.jupiter.api.Test;

/** The SDK's file names and format tags are the command line's. */
class FileNamesTest {
  @Test
  void theSdksFileNamesAreTheCommandLines() {
    assertThat(VeilFiles.PARAMS).isEqualTo(Workflow.PARAMS);
    assertThat(VeilFiles.PUBLIC_KEY).isEqualTo(Workflow.PUBLIC_KEY);
    assertThat(VeilFiles.EVALUATION_KEYS).isEqualTo(Workflow.EVALUATION_KEYS);
    assertThat(VeilFiles.SECRET_KEY).isEqualTo(Workflow.SECRET_KEY);
    assertThat(VeilFiles.META).isEqualTo(Workflow.META);
    assertThat(VeilFiles.PLAN).isEqualTo(Workflow.PLAN);
    assertThat(VeilFiles.WEIGHTS).isEqualTo(Workflow.WEIGHTS);
    assertThat(VeilFiles.DATA_FORMAT).isEqualTo(DataInfo.FORMAT);
    assertThat(VeilFiles.ROWS_FORMAT).isEqualTo(RowsInfo.FORMAT);
    assertThat(VeilFiles.datasetPart(12)).isEqualTo(Workflow.tableFile(12));
    assertThat(VeilFiles.rowsFile(3, 7)).isEqualTo(Inference.rowFile(3, 7));
    assertThat(VeilFiles.predictionsFile(1, 9)).isEqualTo(Inference.resultFile(1, 9));
  }
}
