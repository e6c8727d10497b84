"""Reading supervision cases, caseloads and compliance."""
