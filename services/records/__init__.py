"""Records: retrieval, filtering, cursor pagination and streamed flat exports."""
