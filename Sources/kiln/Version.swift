/// Kiln's version, the one place it is defined: `kiln --version` prints it.
/// Bump it when a release is tagged (the repository has no tags yet).
let kilnVersion = "0.1.0"
