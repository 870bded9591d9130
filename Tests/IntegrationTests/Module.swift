// IntegrationTests: Swift Testing suites live beside this file.
