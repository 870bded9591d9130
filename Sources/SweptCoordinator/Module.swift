// SweptCoordinator: module sources live beside this file, one concept per file.
