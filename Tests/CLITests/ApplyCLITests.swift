// Apply CLI tests
