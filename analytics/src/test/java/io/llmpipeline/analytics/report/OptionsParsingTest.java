package io.llmpipeline.analytics.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** What a user types after --by and --since: read, or refused saying what would be valid. */
class OptionsParsingTest {
    @Test
    void shouldReadDimensionsIncludingLabels() {
        assertThat(Dimension.parseList("tenant, model,label:batch_id")).extracting(Dimension::name)
                .containsExactly("tenant", "model", "label:batch_id");
        assertThat(Dimension.parse("label:team").expression()).isEqualTo("coalesce(labels['team'], '(none)')");
        assertThat(Dimension.parseList("")).isEmpty();
    }

    @Test
    void shouldRefuseADimensionThatIsNotOneAndALabelKeyThatCouldInjectSql() {
        assertThatThrownBy(() -> Dimension.parse("customer")).isInstanceOf(ReportException.class)
                .hasMessageContaining("'customer' is not a dimension; expected tenant, model");
        assertThatThrownBy(() -> Dimension.parse("label:x') OR 1=1 --")).isInstanceOf(ReportException.class);
    }

    @Test
    void shouldReadLookBacksAndRefuseOthers() {
        assertThat(Since.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Since.parse("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(Since.parse("all")).isNull();
        assertThatThrownBy(() -> Since.parse("a week")).isInstanceOf(ReportException.class)
                .hasMessageContaining("expected e.g. 7d, 12h, 30m or all");
    }
}
