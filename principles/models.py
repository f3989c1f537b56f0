"""The 8 principles as versioned scoring rubrics: arrives with issue 3 (rubric versions)."""
