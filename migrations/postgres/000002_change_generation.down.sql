DROP TABLE IF EXISTS change_generation;
