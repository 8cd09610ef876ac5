package io.integration.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionRangeTest {

    @Test
    void caretKeepsTheMajorAndTildeTheMinor() {
        VersionRange caret = VersionRange.parse("^1.2");
        assertThat(caret.matches("1.2.0")).isTrue();
        assertThat(caret.matches("1.9.3")).isTrue();
        assertThat(caret.matches("1.1.9")).isFalse();
        assertThat(caret.matches("2.0.0")).isFalse();

        VersionRange tilde = VersionRange.parse("~1.2.3");
        assertThat(tilde.matches("1.2.3")).isTrue();
        assertThat(tilde.matches("1.2.9")).isTrue();
        assertThat(tilde.matches("1.3.0")).isFalse();
        assertThat(tilde.matches("1.2.2")).isFalse();
    }

    @Test
    void partialsComparatorsExactAndAny() {
        assertThat(VersionRange.parse("1.x").matches("1.4.0")).isTrue();
        assertThat(VersionRange.parse("1").matches("2.0.0")).isFalse();
        assertThat(VersionRange.parse("1.2").matches("1.2.7")).isTrue();
        assertThat(VersionRange.parse("1.2").matches("1.3.0")).isFalse();
        VersionRange window = VersionRange.parse(">=1.0.0 <2.0.0");
        assertThat(window.matches("1.0.0")).isTrue();
        assertThat(window.matches("2.0.0")).isFalse();
        assertThat(VersionRange.parse(">1.0.0").matches("1.0.0")).isFalse();
        assertThat(VersionRange.parse("<=1.2.0").matches("1.2.0")).isTrue();
        assertThat(VersionRange.parse("1.2.3").exactVersion()).hasValue("1.2.3");
        assertThat(VersionRange.parse("1.2.3").matches("1.2.4")).isFalse();
        assertThat(VersionRange.parse(null)).isEqualTo(VersionRange.ANY);
        assertThat(VersionRange.ANY.matches("0.0.1")).isTrue();
    }

    @Test
    void followsNpmForZeroMajorsPartialsAndCombinedComparators() {
        assertThat(VersionRange.parse("^0.2.3").matches("0.2.9")).isTrue();
        assertThat(VersionRange.parse("^0.2.3").matches("0.3.0")).isFalse();
        assertThat(VersionRange.parse("^0.0.3").matches("0.0.4")).isFalse();
        assertThat(VersionRange.parse("^0").matches("0.9.0")).isTrue();
        assertThat(VersionRange.parse("~1").matches("1.9.0")).isTrue();
        assertThat(VersionRange.parse("=1.2").exactVersion()).hasValue("1.2.0");
        assertThat(VersionRange.parse(">=1.5.0 >=1.0.0").matches("1.2.0")).as("every comparator holds").isFalse();
        assertThat(VersionRange.parse("<2.0.0 <3.0.0").matches("2.5.0")).isFalse();
        assertThat(VersionRange.parse("<=1.2").matches("1.2.9")).isTrue();
        assertThat(VersionRange.parse("<=1.2").matches("1.3.0")).isFalse();
        assertThatThrownBy(() -> VersionRange.parse(">=1.0.0 =1.2.0")).hasMessageContaining("expected");
    }

    @Test
    void preReleasesMatchOnlyAnExactRangeAndGarbageNever() {
        assertThat(VersionRange.parse("^1").matches("1.5.0-beta.1")).isFalse();
        assertThat(VersionRange.parse("1.5.0-beta.1").matches("1.5.0-beta.1")).isTrue();
        assertThat(VersionRange.ANY.matches("latest")).isFalse();
    }

    @Test
    void aBadRangeNamesTheFormsExpected() {
        assertThatThrownBy(() -> VersionRange.parse("^one")).hasMessageContaining("'^one'").hasMessageContaining("expected: a version range");
        assertThatThrownBy(() -> VersionRange.parse(">=1.0.0 ~<2")).hasMessageContaining("expected");
    }
}
