DROP TABLE citizen_restricted_data;
DROP TABLE known_cpr_registrations;
