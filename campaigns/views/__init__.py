"""The campaigns app's pages: public (home, search, campaign pages) and leader (the campaign office)."""
