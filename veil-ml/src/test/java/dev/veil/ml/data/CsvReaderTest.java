package dev.veil.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    private static final CsvReader R = CsvReader.defaults();

    @Test
    void readsNumericTableWithLastColumnAsLabel() throws Exception {
        Table t = R.parse("a,b,y\n1,2.5,0\n-3,.5e1,1\n", "t.csv");
        assertThat(t.rows()).isEqualTo(2);
        assertThat(t.featureNames()).containsExactly("a", "b");
        assertThat(t.labelName()).isEqualTo("y");
        assertThat(t.features()).isDeepEqualTo(new double[][] {{1, 2.5}, {-3, 5}});
        assertThat(t.labels()).containsExactly(0, 1);
        assertThat(t.isCategorical()).isFalse();
        assertThat(t.isBinary()).isTrue();
    }

    @Test
    void quotedFieldsCrlfBlankLinesAndBom() throws Exception {
        String csv = "\uFEFF\"first, name\",\"b\"\"q\",label\r\n"
                + "\" 1 \", 2 ,\"yes, sir\"\r\n"
                + "\r\n"
                + "3,4,\"multi\nline\"\r\n"
                + "5,6,\"say \"\"hi\"\"\"\n";
        Table t = R.parse(csv, "q.csv");
        assertThat(t.featureNames()).containsExactly("first, name", "b\"q");
        assertThat(t.features()).isDeepEqualTo(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        assertThat(t.classNames()).containsExactly("multi\nline", "say \"hi\"", "yes, sir");
        assertThat(t.labels()).containsExactly(2, 0, 1);
    }

    @Test
    void labelAndFeatureSelectionByName() throws Exception {
        Table t = R.withLabel("a").withFeatures("c", "b").parse("a,b,c\n1,2,3\n0,5,6\n", "s.csv");
        assertThat(t.labelName()).isEqualTo("a");
        assertThat(t.featureNames()).containsExactly("c", "b");
        assertThat(t.features()).isDeepEqualTo(new double[][] {{3, 2}, {6, 5}});
        assertThat(t.labels()).containsExactly(1, 0);
    }

    @Test
    void unselectedColumnsAreNotParsed() throws Exception {
        Table t = R.withFeatures("a").parse("a,comment,y\n1,hello,0\n2,,1\n", "u.csv");
        assertThat(t.columns()).isEqualTo(1);
    }

    @Test
    void categoricalLabelsSortedAndExplicitOrder() throws Exception {
        String csv = "x,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n";
        Table t = R.parse(csv, "c.csv");
        assertThat(t.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(t.classIndices()).containsExactly(2, 0, 1, 0);
        Table u = R.withClasses(List.of("virginica", "versicolor", "setosa")).parse(csv, "c.csv");
        assertThat(u.classIndices()).containsExactly(0, 2, 1, 2);
        Table v = R.withLabelType(CsvReader.LabelType.CATEGORICAL).parse("x,y\n1,1\n2,0\n", "n.csv");
        assertThat(v.classNames()).containsExactly("0", "1");
        assertThatThrownBy(() -> R.withClasses(List.of("setosa")).parse(csv, "c.csv"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("c.csv: line 2 (data row 1), label column 'species': unknown class \"virginica\"; "
                        + "expected one of [setosa]");
    }

    @Test
    void missingColumnListsAvailableOnes() {
        assertThatThrownBy(() -> R.withLabel("z").parse("a,b,y\n1,2,0\n", "m.csv"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("m.csv: no label column 'z'; available columns: a, b, y");
        assertThatThrownBy(() -> R.withFeatures("a", "q").parse("a,b,y\n1,2,0\n", "m.csv"))
                .hasMessage("m.csv: no feature column 'q'; available columns: a, b, y");
        assertThatThrownBy(() -> R.withFeatures("y").parse("a,b,y\n1,2,0\n", "m.csv"))
                .hasMessage("m.csv: column 'y' is selected both as the label and as a feature");
    }

    @Test
    void nonNumericValueNamesLineRowColumnAndValue() {
        assertThatThrownBy(() -> R.parse("a,b,y\n1,2,0\n3,abc,1\n", "n.csv"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("n.csv: line 3 (data row 2), column 'b': not a number: \"abc\"");
        assertThatThrownBy(() -> R.parse("a,b,y\n1,2,0\n3,1.5d,1\n", "n.csv"))
                .hasMessage("n.csv: line 3 (data row 2), column 'b': not a number: \"1.5d\"");
        assertThatThrownBy(() -> R.parse("a,b,y\n1,,0\n", "n.csv"))
                .hasMessage("n.csv: line 2 (data row 1), column 'b': empty value");
        assertThatThrownBy(() -> R.parse("a,b,y\n1,2,0\n1,2,maybe\n", "n.csv"))
                .hasMessage("n.csv: line 3 (data row 2), column 'y': not a number: \"maybe\"");
    }

    @Test
    void nanAndInfinityAreRefused() {
        assertThatThrownBy(() -> R.parse("a,y\nNaN,0\n", "f.csv"))
                .hasMessage("f.csv: line 2 (data row 1), column 'a': non-finite value \"NaN\" (NaN and Infinity are not allowed)");
        assertThatThrownBy(() -> R.parse("a,y\n1,0\n-Infinity,1\n", "f.csv"))
                .hasMessage("f.csv: line 3 (data row 2), column 'a': non-finite value \"-Infinity\" (NaN and Infinity are not allowed)");
        assertThatThrownBy(() -> R.parse("a,y\n1e400,0\n", "f.csv"))
                .hasMessage("f.csv: line 2 (data row 1), column 'a': value \"1e400\" overflows a double");
    }

    @Test
    void raggedRows() {
        assertThatThrownBy(() -> R.parse("a,b,y\n1,2,0\n1,2\n", "r.csv"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("r.csv: line 3 (data row 2) has 2 fields, the header has 3");
        assertThatThrownBy(() -> R.parse("a,b,y\n1,2,0,4\n", "r.csv"))
                .hasMessage("r.csv: line 2 (data row 1) has 4 fields, the header has 3");
    }

    @Test
    void lineNumbersCountPhysicalLinesInsideQuotes() {
        assertThatThrownBy(() -> R.parse("a,y\n\"1\",\"x\ny\"\n\nq,z\n", "l.csv"))
                .hasMessage("l.csv: line 5 (data row 2), column 'a': not a number: \"q\"");
    }

    @Test
    void emptyFileHeaderOnlyAndBadHeaders() {
        assertThatThrownBy(() -> R.parse("", "e.csv")).isInstanceOf(DataFormatException.class)
                .hasMessage("e.csv: empty file (no header row)");
        assertThatThrownBy(() -> R.parse("\n\n", "e.csv")).hasMessage("e.csv: empty file (no header row)");
        assertThatThrownBy(() -> R.parse("a,y\n", "e.csv")).hasMessage("e.csv: no data rows after the header");
        assertThatThrownBy(() -> R.parse("a,a,y\n1,2,3\n", "h.csv"))
                .hasMessage("h.csv: line 1 (header): duplicate column name 'a' (columns 1 and 2)");
        assertThatThrownBy(() -> R.parse("a,,y\n1,2,3\n", "h.csv"))
                .hasMessage("h.csv: line 1 (header): column 2 has an empty name");
        assertThatThrownBy(() -> R.parse("y\n1\n", "h.csv"))
                .hasMessage("h.csv: line 1 (header): only one column 'y'; need at least a feature and a label");
    }

    @Test
    void malformedQuotes() {
        assertThatThrownBy(() -> R.parse("a,y\n\"1,0\n", "q.csv"))
                .hasMessage("q.csv: line 2: quoted field in column 1 is never closed (missing \")");
        assertThatThrownBy(() -> R.parse("a,y\n\"1\"x,0\n", "q.csv"))
                .hasMessage("q.csv: line 2, column 1: unexpected character 'x' after a closing quote");
        assertThatThrownBy(() -> R.parse("a,y\n1,ab\"c\n", "q.csv"))
                .hasMessage("q.csv: line 2, column 2: quote inside an unquoted field (quote the whole field and double inner quotes)");
    }

    @Test
    void rowAndColumnCaps() {
        assertThatThrownBy(() -> R.withMaxRows(2).parse("a,y\n1,0\n2,1\n3,0\n", "c.csv"))
                .hasMessage("c.csv: line 4: more than 2 data rows (the configured cap, withMaxRows)");
        assertThatThrownBy(() -> R.withMaxColumns(3).parse("a,b,c,y\n1,2,3,4\n", "c.csv"))
                .hasMessage("c.csv: line 1: more than 3 columns (the configured cap, withMaxColumns)");
    }

    @Test
    void readsFilesByPathAndNamesTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, "u,v,y\n1,2,1\n3,4,0\n");
        assertThat(R.read(f).rows()).isEqualTo(2);
        Files.writeString(f, "u,v,y\n1,2,1\n3,x,0\n");
        assertThatThrownBy(() -> R.read(f)).isInstanceOf(IOException.class)
                .hasMessage("data.csv: line 3 (data row 2), column 'v': not a number: \"x\"");
    }

    @Test
    void readsIrisWhenPresent() throws IOException {
        var iris = SharedDatasets.file("iris.csv");
        Assumptions.assumeTrue(iris.isPresent(), SharedDatasets.missing("iris.csv"));
        Table t = R.withLabel("species").read(iris.get());
        assertThat(t.rows()).isEqualTo(150);
        assertThat(t.columns()).isEqualTo(4);
        assertThat(t.classNames()).containsExactly("setosa", "versicolor", "virginica");
    }
}
