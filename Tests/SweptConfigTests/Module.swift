// SweptConfigTests: Swift Testing suites live beside this file.
