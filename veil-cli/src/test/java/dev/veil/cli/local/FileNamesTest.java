package dev.veil.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.api.DataInfo;
import dev.veil.api.RowsInfo;
import dev.veil.client.VeilFiles;
import org.junit.jupiter.api.Test;

/** The SDK's data-set part names and format tags are the command line's (the other names are
 * defined once, in VeilFiles). */
class FileNamesTest {
  @Test
  void aLogisticDataSetsPartsAreTheFilesTheSdkUploads() {
    assertThat(VeilFiles.datasetPart(12)).isEqualTo(Workflow.tableFile(12));
    assertThat(VeilFiles.datasetPart(0)).isEqualTo("z-00000.ct");
  }

  @Test
  void theSdksFormatTagsAreTheRecords() {
    assertThat(VeilFiles.DATA_FORMAT).isEqualTo(DataInfo.FORMAT).isEqualTo("veil-data/1");
    assertThat(VeilFiles.ROWS_FORMAT).isEqualTo(RowsInfo.FORMAT).isEqualTo("veil-rows/1");
  }
}
