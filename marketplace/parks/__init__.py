"""The park operator's side: the figures the city's policy sets as targets."""
