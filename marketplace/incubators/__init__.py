"""The incubator's side: relay-incubation capacity and its startups."""
