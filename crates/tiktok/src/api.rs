//! The endpoints podgate calls, on behalf of one seller authorization and (for shop-scoped
//! calls) one shop. Paths and versions come from [`super::versions`]; parameters follow
//! TikTok's documentation pages (held against them by `tests/it/tiktok/contract.rs`).

use serde::Serialize;

use super::client::{Call, TikTokClient, TokenStore};
use super::error::ApiError;
use super::types::*;
use super::versions::Endpoint;

/// Order ids per Get Order Detail call (TikTok's documented maximum).
pub const ORDER_DETAIL_BATCH: usize = 50;

/// Calls made for one seller authorization (`key` names its tokens in the store).
pub struct SellerApi<'a> {
    pub client: &'a TikTokClient,
    pub store: &'a dyn TokenStore,
    pub key: &'a str,
}

/// Calls scoped to one shop of an authorization.
pub struct ShopApi<'a> {
    pub seller: SellerApi<'a>,
    pub cipher: &'a str,
}

fn json<B: Serialize>(body: &B) -> Result<Option<Vec<u8>>, ApiError> {
    // Serialized once: these bytes are both signed and sent.
    serde_json::to_vec(body)
        .map(Some)
        .map_err(|e| ApiError::transport(e.to_string()))
}

fn call(client: &TikTokClient, e: Endpoint, params: &[(&str, &str)], safe_to_retry: bool) -> Call {
    Call {
        method: e.method(),
        path: client.versions().path(e, params),
        query: Vec::new(),
        body: None,
        endpoint: e.name(),
        safe_to_retry,
    }
}

impl<'a> SellerApi<'a> {
    /// Scopes calls to one shop.
    pub fn shop(self, cipher: &'a str) -> ShopApi<'a> {
        ShopApi { seller: self, cipher }
    }

    /// `GET /authorization/202309/shops`: the shops this authorization covers (no shop_cipher).
    pub async fn authorized_shops(&self) -> Result<Vec<Shop>, ApiError> {
        let c = call(self.client, Endpoint::AuthorizedShops, &[], true);
        let list: ShopList = self.client.execute(self.store, self.key, None, c).await?;
        Ok(list.shops)
    }
}

impl ShopApi<'_> {
    fn call(&self, e: Endpoint, params: &[(&str, &str)], safe_to_retry: bool) -> Call {
        call(self.seller.client, e, params, safe_to_retry)
    }

    async fn run<T: serde::de::DeserializeOwned + Default>(&self, c: Call) -> Result<T, ApiError> {
        self.seller
            .client
            .execute(self.seller.store, self.seller.key, Some(self.cipher), c)
            .await
    }

    /// `POST /order/202309/orders/search`: one page of orders matching `filter`.
    pub async fn search_orders_page(
        &self,
        filter: &OrderSearch,
        page_size: u32,
        page_token: Option<&str>,
        sort_field: &str,
    ) -> Result<OrderPage, ApiError> {
        let mut c = self.call(Endpoint::OrderSearch, &[], true);
        c.query
            .push(("page_size".into(), page_size.clamp(1, 100).to_string()));
        c.query.push(("sort_field".into(), sort_field.into()));
        c.query.push(("sort_order".into(), "ASC".into()));
        if let Some(t) = page_token.filter(|t| !t.is_empty()) {
            c.query.push(("page_token".into(), t.into()));
        }
        c.body = json(filter)?;
        self.run(c).await
    }

    /// Every order matching `filter`, following `next_page_token` to the end.
    pub async fn search_orders_all(
        &self,
        filter: &OrderSearch,
        page_size: u32,
    ) -> Result<Vec<Order>, ApiError> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .search_orders_page(filter, page_size, token.as_deref(), "update_time")
                .await?;
            let done = page.next_page_token.is_empty() || page.orders.is_empty();
            out.extend(page.orders);
            if done {
                return Ok(out);
            }
            token = Some(page.next_page_token);
        }
    }

    /// `GET /order/202507/orders?ids=…`: full orders, at most 50 ids per call.
    pub async fn order_details(&self, ids: &[String]) -> Result<Vec<Order>, ApiError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ORDER_DETAIL_BATCH) {
            let mut c = self.call(Endpoint::OrderDetail, &[], true);
            c.query.push(("ids".into(), chunk.join(",")));
            let d: OrderDetail = self.run(c).await?;
            out.extend(d.orders);
        }
        Ok(out)
    }

    /// `POST /fulfillment/202309/orders/{order_id}/shipping_services/query`.
    pub async fn eligible_services(
        &self,
        order_id: &str,
        q: &ShippingServiceQuery,
    ) -> Result<EligibleServices, ApiError> {
        let mut c = self.call(Endpoint::EligibleServices, &[("order_id", order_id)], true);
        c.body = json(q)?;
        self.run(c).await
    }

    /// `POST /fulfillment/{202309|202512}/packages`: buys the label. Never retried here: the
    /// caller records intent first and reconciles (package search, order detail) after any
    /// doubt. At 202512 the body names the line items as objects under `ship_type` 2 ("these
    /// line items in one package"), the explicit form whatever share of the order it is.
    pub async fn create_package(&self, req: &CreatePackage) -> Result<CreatedPackage, ApiError> {
        let mut c = self.call(Endpoint::CreatePackages, &[], false);
        c.body = match self.seller.client.versions().of(Endpoint::CreatePackages) {
            "202309" => json(req)?,
            _ => json(&CreatePackageLines::from(req))?,
        };
        self.run(c).await
    }

    /// `GET /fulfillment/202309/packages/{package_id}`.
    pub async fn package_detail(&self, package_id: &str) -> Result<PackageDetail, ApiError> {
        let c = self.call(Endpoint::PackageDetail, &[("package_id", package_id)], true);
        self.run(c).await
    }

    /// `POST /fulfillment/202309/packages/search`: one page.
    pub async fn search_packages_page(
        &self,
        filter: &PackageSearch,
        page_size: u32,
        page_token: Option<&str>,
    ) -> Result<PackagePage, ApiError> {
        let mut c = self.call(Endpoint::PackageSearch, &[], true);
        c.query
            .push(("page_size".into(), page_size.clamp(1, 50).to_string()));
        // Oldest first, said explicitly: TikTok's default is newest first.
        c.query.push(("sort_field".into(), "create_time".into()));
        c.query.push(("sort_order".into(), "ASC".into()));
        if let Some(t) = page_token.filter(|t| !t.is_empty()) {
            c.query.push(("page_token".into(), t.into()));
        }
        c.body = json(filter)?;
        self.run(c).await
    }

    /// `GET /fulfillment/202309/packages/{package_id}/shipping_documents`; retried while the
    /// carrier is still generating it.
    pub async fn shipping_document(
        &self,
        package_id: &str,
        document_type: &str,
    ) -> Result<ShippingDocument, ApiError> {
        let mut c = self.call(Endpoint::ShippingDocument, &[("package_id", package_id)], true);
        c.query.push(("document_type".into(), document_type.into()));
        c.query.push(("document_size".into(), "A6".into()));
        c.query.push(("document_format".into(), "PDF".into()));
        self.run(c).await
    }

    /// The label PDF: asks for the document and downloads it at once (the URL expires).
    pub async fn label_pdf(&self, package_id: &str) -> Result<(ShippingDocument, Vec<u8>), ApiError> {
        let doc = self.shipping_document(package_id, "SHIPPING_LABEL").await?;
        let bytes = self
            .seller
            .client
            .download(&doc.doc_url, 20 * 1024 * 1024)
            .await?;
        if !bytes.starts_with(b"%PDF-") {
            return Err(ApiError::transport("the shipping document is not a PDF"));
        }
        Ok((doc, bytes))
    }

    /// `GET /fulfillment/202309/orders/split_attributes?order_ids=…`.
    pub async fn split_attributes(&self, order_ids: &[String]) -> Result<Vec<SplitAttribute>, ApiError> {
        let mut c = self.call(Endpoint::SplitAttributes, &[], true);
        c.query.push(("order_ids".into(), order_ids.join(",")));
        let d: SplitAttributes = self.run(c).await?;
        Ok(d.split_attributes)
    }

    /// `POST /fulfillment/202309/orders/{order_id}/split`; not retried (it changes packages).
    pub async fn split_order(&self, order_id: &str, req: &SplitOrder) -> Result<SplitResult, ApiError> {
        let mut c = self.call(Endpoint::SplitOrder, &[("order_id", order_id)], false);
        c.body = json(req)?;
        self.run(c).await
    }

    /// `GET /fulfillment/202309/orders/{order_id}/tracking`: the carrier's events for the
    /// order's packages, newest first (scope `seller.logistics`). The first carrier scan, not
    /// the label, is what TikTok's dispatch clock counts.
    pub async fn tracking(&self, order_id: &str) -> Result<Vec<TrackingEvent>, ApiError> {
        let c = self.call(Endpoint::Tracking, &[("order_id", order_id)], true);
        let t: Tracking = self.run(c).await?;
        Ok(t.tracking)
    }

    /// `GET /logistics/202309/warehouses`: the seller's warehouses (scope `seller.logistics`).
    /// An order's `warehouse_id` names the one its label ships from.
    pub async fn warehouses(&self) -> Result<Vec<Warehouse>, ApiError> {
        let c = self.call(Endpoint::Warehouses, &[], true);
        let w: WarehouseList = self.run(c).await?;
        Ok(w.warehouses)
    }

    /// `GET /logistics/202309/warehouses/{warehouse_id}/delivery_options`: the delivery
    /// options active for a warehouse (scope `seller.logistics`).
    pub async fn delivery_options(&self, warehouse_id: &str) -> Result<Vec<DeliveryOption>, ApiError> {
        let c = self.call(Endpoint::DeliveryOptions, &[("warehouse_id", warehouse_id)], true);
        let d: DeliveryOptionList = self.run(c).await?;
        Ok(d.delivery_options)
    }

    /// `GET /logistics/202309/delivery_options/{delivery_option_id}/shipping_providers`: the
    /// carriers of a delivery option. An option TikTok fulfils itself has none (21008117): an
    /// empty list, not an error.
    pub async fn shipping_providers(
        &self,
        delivery_option_id: &str,
    ) -> Result<Vec<ShippingProvider>, ApiError> {
        let c = self.call(
            Endpoint::ShippingProviders,
            &[("delivery_option_id", delivery_option_id)],
            true,
        );
        match self.run::<ShippingProviderList>(c).await {
            Ok(l) => Ok(l.shipping_providers),
            Err(e) if e.code == super::codes::FULFILLED_BY_TIKTOK => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    /// `POST /fulfillment/202309/packages/{package_id}/ship` (the non-US flow).
    pub async fn ship_package(&self, package_id: &str, req: &ShipPackage) -> Result<(), ApiError> {
        let mut c = self.call(Endpoint::ShipPackage, &[("package_id", package_id)], false);
        c.body = json(req)?;
        let _: Empty = self.run(c).await?;
        Ok(())
    }
}
