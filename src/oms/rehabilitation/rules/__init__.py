"""Pure rules over plain values: eligibility, timetable clashes, goals from needs, the incentive review schedule."""
