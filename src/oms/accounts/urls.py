from django.urls import path

from oms.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login", views.login, name="login"),
    path("logout", views.logout, name="logout"),
    path("mfa/verify", views.mfa_verify, name="mfa_verify"),
    path("mfa/enrol", views.mfa_enrol, name="mfa_enrol"),
    path("password", views.password_change, name="password_change"),
    path("reauthenticate", views.step_up, name="step_up"),
    path("sessions", views.my_sessions, name="sessions"),
    path("sessions/<int:session_id>/end", views.end_session, name="end_session"),
    path("users", views.user_list, name="users"),
    path("users/new", views.user_create, name="user_create"),
    path("users/<uuid:public_id>", views.user_detail, name="user_detail"),
    path("users/<uuid:public_id>/access", views.user_access, name="user_access"),
    path("users/<uuid:public_id>/unlock", views.user_unlock, name="user_unlock"),
    path("users/<uuid:public_id>/disable", views.user_disable, name="user_disable"),
    path("users/<uuid:public_id>/enable", views.user_enable, name="user_enable"),
    path("users/<uuid:public_id>/reset-password", views.user_reset_password, name="user_reset_password"),
    path("users/<uuid:public_id>/reset-mfa", views.user_reset_mfa, name="user_reset_mfa"),
    path("tokens", views.token_list, name="tokens"),
    path("tokens/<uuid:public_id>/revoke", views.token_revoke, name="token_revoke"),
]
