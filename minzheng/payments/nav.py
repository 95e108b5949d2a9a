from minzheng.accounts.permissions import Perm
from minzheng.web.navigation import NavEntry

# 资金发放 (social assistance payments) follows the assistance entries; the budgets (财务管理) sit under 支撑保障.
ENTRIES = [
    NavEntry("assistance", "发放名册", "payments:run_list", Perm.PAYMENTS_VIEW, icon="cash-stack",
             order=60, match_prefix="/payments/runs/"),
    NavEntry("assistance", "退票补发", "payments:reissue_list", Perm.PAYMENTS_VIEW, icon="arrow-counterclockwise",
             order=62, match_prefix="/payments/reissue/"),
    NavEntry("assistance", "发放账户", "payments:account_list", Perm.PAYEE_ACCOUNT_EDIT, icon="credit-card",
             order=64, match_prefix="/payments/accounts/"),
    NavEntry("support", "资金预算", "payments:funds_overview", Perm.PAYMENTS_VIEW, icon="piggy-bank",
             order=20, match_prefix="/payments/funds/"),
]
