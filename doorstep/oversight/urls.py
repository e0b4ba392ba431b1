from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("drift/", views.signals, name="signals"),
    path("visits/", views.discrepancies, name="discrepancies"),
    path("visits/<int:discrepancy_id>/", views.discrepancy, name="discrepancy"),
    # OVR-1: case-file audit rounds.
    path("audits/", views.audits, name="audits"),
    path("audits/plan/", views.audit_plan, name="audit_plan"),
    path("audits/questions/", views.audit_questions, name="audit_questions"),
    path("audits/questions/<int:question_id>/", views.audit_question_state, name="audit_question_state"),
    path("audits/<int:round_id>/", views.audit_round, name="audit_round"),
    path("audits/<int:round_id>/report/", views.audit_report, name="audit_report"),
    path("audits/<int:round_id>/report.csv", views.audit_report_csv, name="audit_report_csv"),
    path("audits/<int:round_id>/report.pdf", views.audit_report_pdf, name="audit_report_pdf"),
    path("audits/<int:round_id>/families/<int:audited_id>/", views.audit_family, name="audit_family"),
    path("audits/<int:round_id>/families/<int:audited_id>/questions/<int:question_id>/", views.audit_answer,
         name="audit_answer"),
]
