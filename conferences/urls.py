from .urls_diary import urlpatterns as diary_urls
from .urls_plan import urlpatterns as plan_urls

app_name = "conferences"

urlpatterns = [*diary_urls, *plan_urls]
