// The library's clients (the CLI, the tests) see every layer through one import.
@_exported import GitGateConfig
@_exported import GitGateLint
@_exported import GitGateMigrations
@_exported import GitGateRender
@_exported import GitGateReview
@_exported import GitGateTargets
@_exported import GitGateVerdict
