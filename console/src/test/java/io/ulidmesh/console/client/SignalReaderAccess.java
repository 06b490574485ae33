package io.ulidmesh.console.client;

/** Opens SignalReader's parser to tests of other packages. */
public final class SignalReaderAccess {
    private SignalReaderAccess() {
    }

    public static SignalReader.Reading parse(String exposition) {
        return SignalReader.parse(exposition);
    }
}
