"""Reception: receiving a person into custody, and the intake records kept after it (lawful
authorities, property, cash, first-night screening).

Reception records reality: a person physically received is always recorded. Faulty paperwork, a
missing screening or a stale episode at another site become warnings on ``episode.reception_warnings``
and on the page; they are never a refusal. Only bad input (an unknown site, a malformed or duplicate
booking number) is refused, so the officer can correct it and submit again.

The modules: ``receive`` (receiving a person), ``intake`` (authorities, property, cash, screening),
``inputs`` (the input shapes) and ``_common`` (checks and helpers they share). Import the public names
from here.
"""

from oms.custody.services.reception._common import MAX_MINOR_UNITS as MAX_MINOR_UNITS
from oms.custody.services.reception._common import _with_people_edit as _with_people_edit
from oms.custody.services.reception.inputs import NewAuthority as NewAuthority
from oms.custody.services.reception.inputs import NewPerson as NewPerson
from oms.custody.services.reception.inputs import NewPropertyItem as NewPropertyItem
from oms.custody.services.reception.inputs import Screening as Screening
from oms.custody.services.reception.intake import add_lawful_authority as add_lawful_authority
from oms.custody.services.reception.intake import add_property_item as add_property_item
from oms.custody.services.reception.intake import cash_balance as cash_balance
from oms.custody.services.reception.intake import close_property_item as close_property_item
from oms.custody.services.reception.intake import end_lawful_authority as end_lawful_authority
from oms.custody.services.reception.intake import record_cash as record_cash
from oms.custody.services.reception.intake import record_screening as record_screening
from oms.custody.services.reception.receive import receive_person as receive_person
