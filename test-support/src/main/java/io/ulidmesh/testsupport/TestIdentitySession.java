package io.ulidmesh.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Every test run has authentication on: before Quarkus boots, the services under test are told to
 * trust this JVM's test key ({@link TestTokens}), and {@link TestChannels} sends its tokens.
 */
public class TestIdentitySession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (System.getProperty("mp.jwt.verify.publickey.location") == null) {
            System.setProperty("mp.jwt.verify.publickey.location", TestTokens.publicKeyFile().toUri().toString());
        }
    }
}
