/// Optuna 5.0.0's RDB schema for SQLite, statement for statement as `optuna.create_study(storage="sqlite:///…")`
/// creates it (copied from `sqlite_master` of a reference database made by Optuna 5.0.0 itself, so the DDL text
/// is identical byte for byte). `optuna.load_study` and optuna-dashboard read these tables unchanged.
enum OptunaSchema {
    /// Optuna's RDB schema version (`version_info.schema_version`).
    static let schemaVersion = 12
    /// The Optuna library version recorded in `version_info.library_version`.
    static let libraryVersion = "5.0.0"
    /// Alembic's head revision for schema 12 (`alembic_version.version_num`).
    static let alembicRevision = "v3.2.0.a"

    /// The tables and indexes, in Optuna's creation order.
    static let statements: [String] = [
        // table studies
        "CREATE TABLE studies (\n" +
            "\tstudy_id INTEGER NOT NULL, \n" +
            "\tstudy_name VARCHAR(512) NOT NULL, \n" +
            "\tPRIMARY KEY (study_id)\n" +
            ")",
        // index ix_studies_study_name
        "CREATE UNIQUE INDEX ix_studies_study_name ON studies (study_name)",
        // table version_info
        "CREATE TABLE version_info (\n" +
            "\tversion_info_id INTEGER NOT NULL, \n" +
            "\tschema_version INTEGER, \n" +
            "\tlibrary_version VARCHAR(256), \n" +
            "\tPRIMARY KEY (version_info_id), \n" +
            "\tCHECK (version_info_id=1)\n" +
            ")",
        // table study_directions
        "CREATE TABLE study_directions (\n" +
            "\tstudy_direction_id INTEGER NOT NULL, \n" +
            "\tdirection VARCHAR(8) NOT NULL, \n" +
            "\tstudy_id INTEGER NOT NULL, \n" +
            "\tobjective INTEGER NOT NULL, \n" +
            "\tPRIMARY KEY (study_direction_id), \n" +
            "\tUNIQUE (study_id, objective), \n" +
            "\tFOREIGN KEY(study_id) REFERENCES studies (study_id)\n" +
            ")",
        // table study_user_attributes
        "CREATE TABLE study_user_attributes (\n" +
            "\tstudy_user_attribute_id INTEGER NOT NULL, \n" +
            "\tstudy_id INTEGER, \n" +
            "\t\"key\" VARCHAR(512), \n" +
            "\tvalue_json TEXT, \n" +
            "\tPRIMARY KEY (study_user_attribute_id), \n" +
            "\tUNIQUE (study_id, \"key\"), \n" +
            "\tFOREIGN KEY(study_id) REFERENCES studies (study_id)\n" +
            ")",
        // table study_system_attributes
        "CREATE TABLE study_system_attributes (\n" +
            "\tstudy_system_attribute_id INTEGER NOT NULL, \n" +
            "\tstudy_id INTEGER, \n" +
            "\t\"key\" VARCHAR(512), \n" +
            "\tvalue_json TEXT, \n" +
            "\tPRIMARY KEY (study_system_attribute_id), \n" +
            "\tUNIQUE (study_id, \"key\"), \n" +
            "\tFOREIGN KEY(study_id) REFERENCES studies (study_id)\n" +
            ")",
        // table trials
        "CREATE TABLE trials (\n" +
            "\ttrial_id INTEGER NOT NULL, \n" +
            "\tnumber INTEGER, \n" +
            "\tstudy_id INTEGER, \n" +
            "\tstate VARCHAR(8) NOT NULL, \n" +
            "\tdatetime_start DATETIME, \n" +
            "\tdatetime_complete DATETIME, \n" +
            "\tPRIMARY KEY (trial_id), \n" +
            "\tFOREIGN KEY(study_id) REFERENCES studies (study_id)\n" +
            ")",
        // index ix_trials_study_id
        "CREATE INDEX ix_trials_study_id ON trials (study_id)",
        // table trial_user_attributes
        "CREATE TABLE trial_user_attributes (\n" +
            "\ttrial_user_attribute_id INTEGER NOT NULL, \n" +
            "\ttrial_id INTEGER, \n" +
            "\t\"key\" VARCHAR(512), \n" +
            "\tvalue_json TEXT, \n" +
            "\tPRIMARY KEY (trial_user_attribute_id), \n" +
            "\tUNIQUE (trial_id, \"key\"), \n" +
            "\tFOREIGN KEY(trial_id) REFERENCES trials (trial_id)\n" +
            ")",
        // table trial_system_attributes
        "CREATE TABLE trial_system_attributes (\n" +
            "\ttrial_system_attribute_id INTEGER NOT NULL, \n" +
            "\ttrial_id INTEGER, \n" +
            "\t\"key\" VARCHAR(512), \n" +
            "\tvalue_json TEXT, \n" +
            "\tPRIMARY KEY (trial_system_attribute_id), \n" +
            "\tUNIQUE (trial_id, \"key\"), \n" +
            "\tFOREIGN KEY(trial_id) REFERENCES trials (trial_id)\n" +
            ")",
        // table trial_params
        "CREATE TABLE trial_params (\n" +
            "\tparam_id INTEGER NOT NULL, \n" +
            "\ttrial_id INTEGER, \n" +
            "\tparam_name VARCHAR(512), \n" +
            "\tparam_value FLOAT, \n" +
            "\tdistribution_json TEXT, \n" +
            "\tPRIMARY KEY (param_id), \n" +
            "\tUNIQUE (trial_id, param_name), \n" +
            "\tFOREIGN KEY(trial_id) REFERENCES trials (trial_id)\n" +
            ")",
        // table trial_values
        "CREATE TABLE trial_values (\n" +
            "\ttrial_value_id INTEGER NOT NULL, \n" +
            "\ttrial_id INTEGER NOT NULL, \n" +
            "\tobjective INTEGER NOT NULL, \n" +
            "\tvalue FLOAT, \n" +
            "\tvalue_type VARCHAR(7) NOT NULL, \n" +
            "\tPRIMARY KEY (trial_value_id), \n" +
            "\tUNIQUE (trial_id, objective), \n" +
            "\tFOREIGN KEY(trial_id) REFERENCES trials (trial_id)\n" +
            ")",
        // table trial_intermediate_values
        "CREATE TABLE trial_intermediate_values (\n" +
            "\ttrial_intermediate_value_id INTEGER NOT NULL, \n" +
            "\ttrial_id INTEGER NOT NULL, \n" +
            "\tstep INTEGER NOT NULL, \n" +
            "\tintermediate_value FLOAT, \n" +
            "\tintermediate_value_type VARCHAR(7) NOT NULL, \n" +
            "\tPRIMARY KEY (trial_intermediate_value_id), \n" +
            "\tUNIQUE (trial_id, step), \n" +
            "\tFOREIGN KEY(trial_id) REFERENCES trials (trial_id)\n" +
            ")",
        // table trial_heartbeats
        "CREATE TABLE trial_heartbeats (\n" +
            "\ttrial_heartbeat_id INTEGER NOT NULL, \n" +
            "\ttrial_id INTEGER NOT NULL, \n" +
            "\theartbeat DATETIME NOT NULL, \n" +
            "\tPRIMARY KEY (trial_heartbeat_id), \n" +
            "\tUNIQUE (trial_id), \n" +
            "\tFOREIGN KEY(trial_id) REFERENCES trials (trial_id)\n" +
            ")",
        // table alembic_version
        "CREATE TABLE alembic_version (\n" +
            "\tversion_num VARCHAR(32) NOT NULL, \n" +
            "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n" +
            ")",
    ]

    /// The rows Optuna writes when it creates a database.
    static let seedStatements: [String] = [
        "INSERT INTO version_info (version_info_id, schema_version, library_version) VALUES (1, 12, '5.0.0')",
        "INSERT INTO alembic_version (version_num) VALUES ('v3.2.0.a')",
    ]
}
