"""Records, changes, paper identity, citation keys and identifiers: the rules everything else uses."""
