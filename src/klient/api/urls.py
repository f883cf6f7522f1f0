from ninja import NinjaAPI

api = NinjaAPI(title="Klient API", version="1", urls_namespace="api")
