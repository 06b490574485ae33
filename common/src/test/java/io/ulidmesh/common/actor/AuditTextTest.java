package io.ulidmesh.common.actor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuditTextTest {
    @Test
    void controlCharactersAreEscapedSoNoLogLineCanBeForged() {
        assertThat(AuditText.escape("canary\n12:00:00 INFO flag set by admin")).isEqualTo("canary\\n12:00:00 INFO flag set by admin");
        assertThat(AuditText.escape("a\u001b[31mred")).isEqualTo("a\\u001b[31mred");
        assertThat(AuditText.escape("tab\there\r")).isEqualTo("tab\\there\\r");
        assertThat(AuditText.escape("nul\u0000")).isEqualTo("nul\\u0000");
    }

    @Test
    void plainTextIsKeptAsItIs() {
        String text = "raise to 10 % (ticket ÄB-12, 日本)";
        assertThat(AuditText.escape(text)).isSameAs(text);
        assertThat(AuditText.escape(null)).isNull();
    }

    @Test
    void aSpoofedHeaderActorIsEscapedAndBounded() {
        assertThat(Actor.fromHeader("  alice\nbob ")).isEqualTo("alice\\nbob");
        assertThat(Actor.fromHeader(" ")).isEqualTo(Actor.ANONYMOUS);
        assertThat(Actor.fromHeader("x".repeat(300))).hasSize(128);
    }
}
