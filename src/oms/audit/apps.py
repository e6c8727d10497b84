from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "oms.audit"
    label = "audit"

    def ready(self):
        from oms.audit.denials import record_page_denial
        from oms.audit.services import retention_problems
        from oms.audit.signing import signing_key_problems
        from oms.web.denials import set_denial_recorder

        # Pages report denials through the web layer, which cannot import audit (it sits below).
        set_denial_recorder(record_page_denial)
        checks.register(signing_key_problems, checks.Tags.security)
        checks.register(retention_problems, checks.Tags.security)
