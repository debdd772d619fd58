"""Domain services: plain Python over the database. Nothing here imports textual."""
