"""The review app on 100,000 conversations (`make seed-review`, `make bench-review`), and the
events in Rasa's own stored form that it and the review tests write (seeding)."""
