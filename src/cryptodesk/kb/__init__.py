"""The help center and knowledge base: articles in several languages and hybrid search."""
